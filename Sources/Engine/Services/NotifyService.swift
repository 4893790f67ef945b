import FlowSpec
import Foundation
import Logging
import ServiceLifecycle
import Store

/// Delivers notifications and watches SLAs (issue 18), apart from the worker, so a slow or dead
/// receiver never holds a step. Every `interval` (on the engine's clock) it marks missed SLAs and
/// sends due outbox rows; a failed send is retried with exponential backoff (2 s, 4 s, … 5 min;
/// 10 attempts), each attempt a run event. At least once: a crash between a send and its record
/// sends again, with the same `X-Flowrun-Delivery`.
public struct NotifyService: Service {
    public struct Options: Sendable {
        public var name: String
        public var interval: Duration
        /// `server.public_url`: the runs' dashboard links.
        public var publicURL: String?
        public var webhookTimeout: Duration
        public var commandTimeout: Duration
        public var maxAttempts: Int

        public init(
            name: String, interval: Duration = .seconds(5), publicURL: String? = nil,
            webhookTimeout: Duration = .seconds(10), commandTimeout: Duration = .seconds(30), maxAttempts: Int = 10
        ) {
            self.name = name
            self.interval = interval
            self.publicURL = publicURL
            self.webhookTimeout = webhookTimeout
            self.commandTimeout = commandTimeout
            self.maxAttempts = maxAttempts
        }
    }

    public let engine: Engine
    public let options: Options
    let logger: Logger
    let environment: @Sendable (String) -> String?

    public init(
        engine: Engine, options: Options, logger: Logger = Logger(label: "flowrun.notify"),
        environment: @escaping @Sendable (String) -> String? = { ProcessInfo.processInfo.environment[$0] }
    ) {
        self.engine = engine
        self.options = options
        self.logger = logger
        self.environment = environment
    }

    public func run() async throws {
        // Ends quietly on shutdown: a thrown CancellationError would count as a failure in the
        // service group and cut the worker's grace short. What is left waits in the outbox.
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await self.pass()
                    try await self.engine.clock.sleep(for: self.options.interval)
                }
            }
        } catch is CancellationError {}
    }

    /// One round: missed SLAs, then every due delivery. Returns how many deliveries were attempted.
    @discardableResult
    public func pass() async -> Int {
        guard let outbox = engine.notifyOutbox else { return 0 }
        do {
            for sla in try await outbox.markMissedSLAs(now: engine.clock.now()) {
                logger.info("SLA missed", metadata: ["run": "\(sla.runID)", "step": "\(sla.stepID ?? "-")"])
            }
        } catch {
            logger.warning("SLA check failed: \(ErrorText.describe(error))")
        }
        var attempted = 0
        while !Task.isCancelled {
            let now = engine.clock.now()
            let batch: [OutboxDelivery]
            do {
                batch = try await outbox.claimDeliveries(worker: options.name, now: now, until: now.addingTimeInterval(120), limit: 16)
            } catch {
                logger.warning("notify outbox claim failed: \(ErrorText.describe(error))")
                return attempted
            }
            if batch.isEmpty { return attempted }
            attempted += batch.count
            // Concurrently: one slow receiver must not hold the others.
            await withTaskGroup(of: Void.self) { group in
                for delivery in batch { group.addTask { await self.deliver(delivery, outbox: outbox) } }
            }
        }
        return attempted
    }

    private func deliver(_ delivery: OutboxDelivery, outbox: any NotifyOutbox) async {
        let sender = NotificationDelivery(
            webhook: WebhookClient(timeout: options.webhookTimeout),
            command: CommandNotifier(timeout: options.commandTimeout), environment: environment)
        let outcome: NotificationDelivery.Outcome
        do {
            guard let rule = try? JSONDecoder().decode(NotifyRule.self, from: Data(delivery.ruleJSON.utf8)) else {
                outcome = .permanent("notify: rule \(delivery.position) of run \(delivery.runID) cannot be read")
                return await finish(delivery, outcome, outbox: outbox)
            }
            guard
                let payload = try await NotificationPayload.load(
                    delivery, store: engine.store, publicURL: options.publicURL,
                    sla: delivery.slaSeconds)
            else {
                return await finish(delivery, .permanent("notify: run \(delivery.runID) no longer exists"), outbox: outbox)
            }
            outcome = await sender.deliver(payload, rule: rule, delivery: delivery)
        } catch {
            outcome = .retry("notify: reading run \(delivery.runID) failed: \(ErrorText.describe(error))")
        }
        await finish(delivery, outcome, outbox: outbox)
    }

    private func finish(_ delivery: OutboxDelivery, _ outcome: NotificationDelivery.Outcome, outbox: any NotifyOutbox) async {
        let now = engine.clock.now()
        let attempt = delivery.attempts + 1
        var retryAt: Date?
        var message: String
        switch outcome {
        case .sent(let text): message = text
        case .permanent(let text): message = text + " (not retried)"
        case .retry(let text):
            if attempt >= options.maxAttempts {
                message = text + "; gave up after \(attempt) attempts"
            } else {
                let wait = Self.backoff(afterAttempt: attempt)
                retryAt = now.addingTimeInterval(wait)
                message = text + "; retry in \(Int(wait)) s"
            }
        }
        message = "\(delivery.event): " + message
        do {
            try await outbox.finishDelivery(delivery, worker: options.name, retryAt: retryAt, event: message, now: now)
        } catch {
            logger.warning("notify: recording delivery \(delivery.id) failed: \(ErrorText.describe(error))")
        }
        // A failure is a warning: what `flowrun run` (which keeps to warnings) shows on stderr.
        if case .sent = outcome {
            logger.info("\(message)", metadata: ["run": "\(delivery.runID)", "delivery": "\(delivery.id)"])
        } else {
            logger.warning("\(message)", metadata: ["run": "\(delivery.runID)", "delivery": "\(delivery.id)"])
        }
    }

    /// 2 s after the first failure, doubling, at most 5 minutes.
    static func backoff(afterAttempt attempt: Int) -> Double {
        min(300, 2 * pow(2, Double(max(0, attempt - 1))))
    }
}
