import FlowSpec
import Foundation
import Store

/// Sends one outbox row to its rule's webhook and command, and says what happened, for the run's
/// events and for the decision to retry.
struct NotificationDelivery: Sendable {
    var webhook: WebhookClient
    var command: CommandNotifier
    var environment: @Sendable (String) -> String?

    enum Outcome {
        case sent(String)
        /// Worth another try (a transport error, a 5xx, 408, 429).
        case retry(String)
        /// No retry can fix it (a 4xx, a missing secret, a rule that no longer decodes).
        case permanent(String)
    }

    func deliver(_ payload: NotificationPayload, rule: NotifyRule, delivery: OutboxDelivery) async -> Outcome {
        var sent: [String] = []
        var retry: [String] = []
        var permanent: [String] = []
        if let hook = rule.webhook {
            let label = "notify webhook \(Self.redacted(hook.url))"
            guard let url = URL(string: hook.url) else {
                return .permanent("\(label) failed: not a URL")
            }
            let body = payload.body(for: hook.format)
            var headers = ["X-Flowrun-Delivery": String(delivery.id), "X-Flowrun-Event": delivery.event]
            if let name = hook.secretEnv {
                guard let secret = environment(name), !secret.isEmpty else {
                    return .permanent("\(label) not sent: \(name) (secret_env) is not set in the delivering process's environment")
                }
                headers[WebhookSignature.header] = WebhookSignature.sign(body, secret: secret)
            }
            do {
                let status = try await webhook.post(url, body: body, headers: headers)
                if (200..<300).contains(status) {
                    sent.append("\(label) → \(status)")
                } else if status >= 500 || status == 408 || status == 429 {
                    retry.append("\(label) failed: HTTP \(status)")
                } else {
                    permanent.append("\(label) failed: HTTP \(status)")
                }
            } catch {
                retry.append("\(label) failed: \(ErrorText.describe(error))")
            }
        }
        if let script = rule.run {
            let label = "notify run `\(script.prefix(60))`"
            do {
                try await command.run(
                    script, input: payload.json(),
                    environment: [
                        "FLOWRUN_NOTIFY_EVENT": delivery.event, "FLOWRUN_RUN_ID": delivery.runID,
                        "FLOWRUN_NOTIFY_DELIVERY": String(delivery.id),
                    ])
                sent.append("\(label) → exit 0")
            } catch {
                retry.append("\(label) failed: \(ErrorText.describe(error))")
            }
        }
        let text = (sent + permanent + retry).joined(separator: "; ")
        if !retry.isEmpty { return .retry(text) }
        if !permanent.isEmpty { return .permanent(text) }
        return .sent(text)
    }

    /// The URL without its query (Slack's and Teams' URLs carry their secret in the path, so only
    /// scheme, host and the path's first part are shown).
    static func redacted(_ url: String) -> String {
        guard let c = URLComponents(string: url), let scheme = c.scheme, let host = c.host else { return "(url)" }
        let port = c.port.map { ":\($0)" } ?? ""
        let first = c.path.split(separator: "/").first.map { "/\($0)" } ?? ""
        let more = c.path.split(separator: "/").count > 1 ? "/…" : ""
        return "\(scheme)://\(host)\(port)\(first)\(more)"
    }
}
