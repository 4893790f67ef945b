import Foundation

/// The notification side of a store (issue 18): who a run notifies, its SLAs, and the outbox of
/// deliveries. A protocol of its own, so the main `Store` protocol stays as it is; `SQLStore`
/// conforms (`SQL/SQLStore+Outbox.swift`).
public protocol NotifyOutbox: Sendable {
    /// Written at submit, before the run's steps exist: a run that finishes at once still finds them.
    func recordNotifyTargets(runID: String, targets: [NotifyTargetRecord], slas: [SLARecord]) async throws
    /// Marks every SLA now missed by a run still going (or a step still running) — once, across
    /// processes — and queues its `sla_missed` deliveries in the same transaction.
    func markMissedSLAs(now: Date) async throws -> [SLARecord]
    /// Leases up to `limit` due deliveries to `worker` until `until`.
    func claimDeliveries(worker: String, now: Date, until: Date, limit: Int) async throws -> [OutboxDelivery]
    /// Records an attempt's result as a run event; `retryAt` nil ends the delivery (sent, or given up).
    func finishDelivery(_ delivery: OutboxDelivery, worker: String, retryAt: Date?, event: String, now: Date) async throws
    /// Deliveries not yet ended, of one run or of all.
    func openDeliveries(runID: String?) async throws -> Int
}

/// One `notify:` rule of a run: the events it listens to, and the rule itself as JSON.
public struct NotifyTargetRecord: Sendable, Equatable {
    public var position: Int
    public var events: [String]
    public var ruleJSON: String

    public init(position: Int, events: [String], ruleJSON: String) {
        self.position = position
        self.events = events
        self.ruleJSON = ruleJSON
    }
}

/// An `sla:` of a run (`stepID` nil) or of one of its steps.
public struct SLARecord: Sendable, Equatable {
    public var runID: String
    public var stepID: String?
    public var seconds: Double

    public init(runID: String, stepID: String?, seconds: Double) {
        self.runID = runID
        self.stepID = stepID
        self.seconds = seconds
    }
}

/// One notification to deliver to one rule's targets.
public struct OutboxDelivery: Sendable, Equatable {
    /// Stable across retries: the receiver's key to drop a repeat (`X-Flowrun-Delivery`).
    public var id: Int64
    public var runID: String
    public var position: Int
    /// `failed`, `succeeded`, `canceled`, `sla_missed`.
    public var event: String
    /// The step whose SLA was missed.
    public var stepID: String?
    /// Attempts made before this one.
    public var attempts: Int
    public var ruleJSON: String
    public var createdAt: Date
    /// For `sla_missed`: the SLA that was missed.
    public var slaSeconds: Double?

    public init(
        id: Int64, runID: String, position: Int, event: String, stepID: String?, attempts: Int, ruleJSON: String, createdAt: Date,
        slaSeconds: Double? = nil
    ) {
        self.id = id
        self.runID = runID
        self.position = position
        self.event = event
        self.stepID = stepID
        self.attempts = attempts
        self.ruleJSON = ruleJSON
        self.createdAt = createdAt
        self.slaSeconds = slaSeconds
    }
}
