import Foundation
import Store

/// A run in a list: who started what, when, and how it is going.
struct RunSummaryView: Codable, Sendable {
    var id: String
    var workflow: String
    var state: String
    var trigger: String
    var datasetId: String?
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    /// From start to finish (or to now while running); nil before the first step started.
    var durationSeconds: Double?
    var error: String?

    init(_ run: RunSummary, now: Date) {
        id = run.id
        workflow = run.workflowName
        state = run.state.rawValue
        trigger = run.trigger.rawValue
        datasetId = run.datasetID
        createdAt = run.createdAt
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        durationSeconds = run.startedAt.map { (run.finishedAt ?? now).timeIntervalSince($0) }
        error = run.error
    }
}

/// One page of `GET /api/runs`, newest first; pass `next_before` as `before` for the next page.
struct RunPage: Codable, Sendable {
    var runs: [RunSummaryView]
    /// nil on the last page.
    var nextBefore: String?
}
