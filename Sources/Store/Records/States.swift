/// A run's life: `queued → running → succeeded | failed | canceled`.
public enum RunState: String, Sendable, Codable, CaseIterable {
    case queued, running, succeeded, failed, canceled

    public var isFinished: Bool { self == .succeeded || self == .failed || self == .canceled }
}

/// A step's life: `pending → ready → running → succeeded | cached | failed | skipped | canceled |
/// upstream_failed`, and `running → ready` for a retry or an expired lease.
public enum StepState: String, Sendable, Codable, CaseIterable {
    case pending, ready, running, succeeded, failed, skipped, canceled
    case upstreamFailed = "upstream_failed"
    /// Succeeded by reusing an earlier attempt with the same cache key (its outputs, linked artifacts).
    case cached

    /// Done with outputs: what dependents, the run's outcome and expressions count as success.
    public var isSuccess: Bool { self == .succeeded || self == .cached }

    public var isFinished: Bool {
        switch self {
        case .pending, .ready, .running: false
        default: true
        }
    }
}

/// What started a run.
public enum Trigger: String, Sendable, Codable, CaseIterable {
    case cli, api, ui, watcher
    /// Started by the scheduler (`triggers: schedule:`) or released by a backfill group.
    case schedule, backfill
}
