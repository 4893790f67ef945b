import Engine
import FlowSpec
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
        /// A failed run's cause in one line: the last line its failed step wrote, then the error.
        let cause: String
        /// The whole error and excerpt, for the cell's tooltip.
        let causeDetail: String
        /// The runs page's experiment columns: the chosen workflow's params, the headline metric.
        var params: [String] = []
        var metric = ""
    }

    let tableID: String
    var rows: [Row]
    let hasRows: Bool
    /// The runs page: a checkbox per run (for the compare form), param and metric columns.
    var selectable = false
    var paramHeaders: [String] = []
    var hasMetric = false
    var metricName = ""

    static func cause(_ run: RunSummary) -> String {
        let last = run.errorExcerpt.map(ErrorExcerpt.lastLine) ?? ""
        return [last, run.error ?? ""].filter { !$0.isEmpty }.joined(separator: " · ")
    }

    /// The runs page's table: `params` (a workflow's) and `metric` as columns, a checkbox per run.
    init(_ rows: [RunTableRow], params: [String], metric: String, now: Date, id: String) {
        self.init(rows.map(\.run), now: now, id: id)
        self.rows = zip(self.rows, rows).map { row, source in
            var row = row
            let values = Value(jsonText: source.paramsJSON)?.mapValue ?? [:]
            row.params = params.map { values[$0]?.interpolated ?? "—" }
            row.metric = source.metric.map(Format.number) ?? "—"
            return row
        }
        selectable = true
        paramHeaders = params
        hasMetric = true
        metricName = metric
    }

    init(_ runs: [RunSummary], now: Date, id: String) {
        tableID = id
        hasRows = !runs.isEmpty
        rows = runs.map { run in
            Row(
                id: run.id, idURL: urlPart(run.id), state: run.state.rawValue, badge: StateBadge(run.state.rawValue),
                workflow: run.workflowName, workflowURL: urlPart(run.workflowName), trigger: run.trigger.rawValue,
                hasDataset: run.datasetID != nil, dataset: run.datasetID ?? "", datasetURL: urlPart(run.datasetID ?? ""),
                createdAt: Stamp(run.createdAt),
                duration: Format.duration(run.startedAt.map { (run.finishedAt ?? now).timeIntervalSince($0) }),
                error: run.error ?? "", cause: Self.cause(run),
                causeDetail: [run.error, run.errorExcerpt].compactMap { $0 }.joined(separator: "\n"))
        }
    }
}
