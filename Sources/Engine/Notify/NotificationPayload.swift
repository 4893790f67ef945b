import FlowSpec
import Foundation
import Store

/// The JSON a notification carries (docs/scheduling.md, "Notifications"): the same for a webhook
/// (`format: json`) and a `run:` command's stdin. Slack and Teams get a short text made from it.
public struct NotificationPayload: Sendable {
    public var deliveryID: Int64
    public var event: String
    public var run: RunRecord
    /// The first failed step (by position), its error and error excerpt.
    public var failedStep: (id: String, error: String?, excerpt: String?)?
    /// For `sla_missed`: the step (nil: the whole run) and its SLA.
    public var sla: (step: String?, seconds: Double)?
    /// `<public_url>/runs/<id>`, when the server's public URL is configured.
    public var link: String?

    static func load(_ delivery: OutboxDelivery, store: any Store, publicURL: String?, sla: Double?) async throws -> NotificationPayload? {
        guard let run = try await store.run(id: delivery.runID) else { return nil }
        var failed: (String, String?, String?)?
        if let step = try await store.steps(runID: run.id).filter({ $0.state == .failed }).min(by: { $0.position < $1.position }) {
            let excerpt = try await store.attempts(runID: run.id).filter { $0.stepID == step.stepID && $0.errorExcerpt != nil }
                .max { $0.attempt < $1.attempt }?.errorExcerpt
            failed = (step.stepID, step.error, excerpt)
        }
        let link = publicURL.map { ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/runs/" + run.id }
        return NotificationPayload(
            deliveryID: delivery.id, event: delivery.event, run: run, failedStep: failed,
            sla: delivery.event == NotifyEvent.slaMissed.rawValue ? (delivery.stepID, sla ?? 0) : nil, link: link)
    }

    private static func time(_ date: Date?) -> Any {
        guard let date else { return NSNull() }
        return date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// flowrun's own body: sorted keys, so equal notifications are equal bytes.
    public func json() -> Data {
        var runObject: [String: Any] = [
            "id": run.id, "workflow": run.workflowName, "state": run.state.rawValue, "trigger": run.trigger.rawValue,
            "created_at": Self.time(run.createdAt), "started_at": Self.time(run.startedAt), "finished_at": Self.time(run.finishedAt),
            "error": run.error as Any? ?? NSNull(), "url": link as Any? ?? NSNull(),
        ]
        runObject["params"] = (try? JSONSerialization.jsonObject(with: Data(run.paramsJSON.utf8))) ?? [String: Any]()
        var body: [String: Any] = ["delivery_id": deliveryID, "event": event, "run": runObject]
        body["failed_step"] =
            failedStep.map { ["id": $0.id, "error": $0.error as Any? ?? NSNull(), "error_excerpt": $0.excerpt as Any? ?? NSNull()] }
            ?? NSNull()
        if let sla { body["sla"] = ["step": sla.step as Any? ?? NSNull(), "seconds": sla.seconds] }
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    /// One line for people: what Slack and Teams show.
    public var text: String {
        var line: String
        if event == NotifyEvent.slaMissed.rawValue, let sla {
            let what = sla.step.map { "step \($0) of run" } ?? "run"
            line = "flowrun: \(what) \(run.id) (\(run.workflowName)) still going after \(Self.duration(sla.seconds)) — SLA missed"
        } else {
            line = "flowrun: run \(run.id) (\(run.workflowName)) \(event)"
            if let failedStep {
                line += " — step \(failedStep.id): \(failedStep.error ?? "failed")"
                if let last = failedStep.excerpt?.split(separator: "\n").last { line += "\n> \(last)" }
            }
        }
        if let link { line += "\n\(link)" }
        return line
    }

    /// The body for a webhook's `format:`.
    public func body(for format: WebhookTarget.Format) -> Data {
        let object: [String: Any]
        switch format {
        case .json: return json()
        case .slack: object = ["text": text]
        case .teams:
            // An Office 365 connector MessageCard: a summary and the same text.
            object = [
                "@type": "MessageCard", "@context": "https://schema.org/extensions",
                "summary": "flowrun run \(run.id) \(event)", "text": text,
            ]
        }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    static func duration(_ seconds: Double) -> String {
        DurationText.format(.milliseconds(Int64((seconds * 1000).rounded())))
    }
}
