import Foundation

/// Which runs of a workflow reported a metric best (``Store/leaderboard(_:)``).
public struct LeaderboardQuery: Sendable, Hashable {
    public var workflow: String
    /// A metric name as steps report it (`accuracy`), whichever step reported it.
    public var metric: String
    /// True: higher is better (accuracy); false: lower is better (rmse).
    public var higherIsBetter: Bool
    public var limit: Int
    /// Only runs in this state (succeeded, usually); nil: any.
    public var state: RunState?

    public init(workflow: String, metric: String, higherIsBetter: Bool, limit: Int = 10, state: RunState? = .succeeded) {
        self.workflow = workflow
        self.metric = metric
        self.higherIsBetter = higherIsBetter
        self.limit = limit
        self.state = state
    }
}

/// One run on a leaderboard: its best value of the metric (a matrix run reports it once per instance).
public struct LeaderboardEntry: Sendable, Hashable {
    public var run: RunSummary
    public var value: Double
    public var paramsJSON: String

    public init(run: RunSummary, value: Double, paramsJSON: String) {
        self.run = run
        self.value = value
        self.paramsJSON = paramsJSON
    }
}

/// The dashboard's runs table: filters, a headline metric, a sort and a page, all answered by the
/// store (``Store/runTable(_:)``) so a page costs the same with ten runs or ten thousand.
public struct RunTableQuery: Sendable, Hashable {
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        /// Newest first (the default), or oldest first.
        case newest, oldest
        /// The headline metric, best first / worst first (by ``metricHigherIsBetter``); runs without it last.
        case metricBest = "metric", metricWorst = "metric_worst"
    }

    public var workflow: String?
    public var state: RunState?
    /// Runs whose param NAME has this value (as text: `50`, `logistic`, `true`).
    public var params: [String: String]
    /// The headline metric shown, sorted and filtered by: its best value per run.
    public var metric: String?
    public var metricHigherIsBetter: Bool
    public var metricMin: Double?
    public var metricMax: Double?
    /// Created at or after / before.
    public var from: Date?
    public var to: Date?
    public var sort: Sort
    public var offset: Int
    public var limit: Int

    public init(
        workflow: String? = nil, state: RunState? = nil, params: [String: String] = [:], metric: String? = nil,
        metricHigherIsBetter: Bool = true, metricMin: Double? = nil, metricMax: Double? = nil, from: Date? = nil,
        to: Date? = nil, sort: Sort = .newest, offset: Int = 0, limit: Int = 50
    ) {
        self.workflow = workflow
        self.state = state
        self.params = params
        self.metric = metric
        self.metricHigherIsBetter = metricHigherIsBetter
        self.metricMin = metricMin
        self.metricMax = metricMax
        self.from = from
        self.to = to
        self.sort = sort
        self.offset = offset
        self.limit = limit
    }
}

/// A row of the runs table: the run, its params (JSON) and its headline metric's value.
public struct RunTableRow: Sendable, Hashable {
    public var run: RunSummary
    public var paramsJSON: String
    public var metric: Double?

    public init(run: RunSummary, paramsJSON: String, metric: Double?) {
        self.run = run
        self.paramsJSON = paramsJSON
        self.metric = metric
    }
}

/// A page of the runs table; `hasMore` says whether a next page exists (one row more was read).
public struct RunTablePage: Sendable, Hashable {
    public var rows: [RunTableRow]
    public var hasMore: Bool

    public init(rows: [RunTableRow], hasMore: Bool) {
        self.rows = rows
        self.hasMore = hasMore
    }
}
