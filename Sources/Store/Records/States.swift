/// A run's life: `queued → running → succeeded | failed | canceled`.
public enum RunState: String, Sendable, Codable, CaseIterable {
    case queued, running, succeeded, failed, canceled

    public var isFinished: Bool { self == .succeeded || self == .failed || self == .canceled }
}

/// A step's life: `pending → ready → running → succeeded | failed | skipped | canceled |
/// upstream_failed`, and `running → ready` for a retry or an expired lease.
public enum StepState: String, Sendable, Codable, CaseIterable {
    case pending, ready, running, succeeded, failed, skipped, canceled
    case upstreamFailed = "upstream_failed"

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
}
