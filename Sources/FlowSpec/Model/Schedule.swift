import Foundation

/// `triggers: schedule:` — when the scheduler starts a run of the workflow by itself.
public struct Schedule: Sendable {
    /// What the scheduler does with ticks missed while no scheduler ran.
    public enum Catchup: String, Sendable, CaseIterable {
        /// Missed ticks are dropped; the next tick to come runs.
        case none
        /// The latest missed tick runs once (the default).
        case last
        /// Every missed tick runs, oldest first.
        case all
    }

    /// What a tick does while a run of an earlier tick is still going.
    public enum Overlap: String, Sendable, CaseIterable {
        /// The tick is not run; an event on the run still going says so.
        case skip
        case allow
    }

    public var cron: CronExpression
    public var timeZone: TimeZone
    /// Overrides of the workflow's params defaults, for every scheduled run.
    public var params: [String: Value]
    public var catchup: Catchup
    public var overlap: Overlap

    public init(
        cron: CronExpression, timeZone: TimeZone, params: [String: Value] = [:],
        catchup: Catchup = .last, overlap: Overlap = .allow
    ) {
        self.cron = cron
        self.timeZone = timeZone
        self.params = params
        self.catchup = catchup
        self.overlap = overlap
    }
}
