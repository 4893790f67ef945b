import FlowSpec
import Foundation

/// `flowrun backfill` and the dashboard's backfill form: one run of `workflow` per registered
/// dataset that `datasets` selects, as a group released `maxParallel` at a time.
public struct BackfillRequest: Sendable {
    public var workflow: String
    /// True when `workflow` came over HTTP: a name in the workflows folder only.
    public var workflowIsName = false
    /// A glob (`exam-2025-*.csv`, `*`) matched against each dataset's file name, its path and its id.
    public var datasets: String
    /// Only datasets registered at or after / before these.
    public var since: Date?
    public var until: Date?
    public var params: [String: Value]
    public var maxParallel: Int

    public init(
        workflow: String, datasets: String, since: Date? = nil, until: Date? = nil,
        params: [String: Value] = [:], maxParallel: Int = 4
    ) {
        self.workflow = workflow
        self.datasets = datasets
        self.since = since
        self.until = until
        self.params = params
        self.maxParallel = maxParallel
    }
}

/// A group's progress, for the CLI, the API and its page.
public struct RunGroupView: Sendable {
    public var group: RunGroupRecordView
    public var runs: [RunGroupRunView]
    /// Runs by state, plus `waiting` for datasets not yet released.
    public var counts: [String: Int]
}

public struct RunGroupRecordView: Sendable, Codable {
    public var id: String
    public var workflow: String
    public var state: String
    public var maxParallel: Int
    public var total: Int
    public var released: Int
    public var selection: String
    public var createdAt: Date
}

public struct RunGroupRunView: Sendable, Codable {
    public var id: String
    public var datasetID: String?
    public var state: String
}
