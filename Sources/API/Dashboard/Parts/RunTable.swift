import Foundation
import Store

/// A table of runs (newest first, `parts/run-table`), as the overview, the runs list, a dataset
/// and a workflow show them.
struct RunTable: Encodable {
    struct Row: Encodable {
        let id: String
        let idURL: String
        let state: String
        let badge: StateBadge
        let workflow: String
        let workflowURL: String
        let trigger: String
        let hasDataset: Bool
        let dataset: String
        let datasetURL: String
        let createdAt: Stamp
        let duration: String
        let error: String
    }

    let tableID: String
    let rows: [Row]
    let hasRows: Bool

    init(_ runs: [RunSummary], now: Date, id: String) {
        tableID = id
        hasRows = !runs.isEmpty
        rows = runs.map { run in
            Row(id: run.id, idURL: urlPart(run.id), state: run.state.rawValue, badge: StateBadge(run.state.rawValue),
                workflow: run.workflowName, workflowURL: urlPart(run.workflowName), trigger: run.trigger.rawValue,
                hasDataset: run.datasetID != nil, dataset: run.datasetID ?? "", datasetURL: urlPart(run.datasetID ?? ""),
                createdAt: Stamp(run.createdAt),
                duration: Format.duration(run.startedAt.map { (run.finishedAt ?? now).timeIntervalSince($0) }),
                error: run.error ?? "")
        }
    }
}
