import Foundation
import SQLKit

/// Reads for comparing runs: run id prefixes, a workflow's leaderboard, the dashboard's runs table.
extension SQLStore {
    public func runIDs(prefix: String, limit: Int) async throws -> [String] {
        // A range on the primary key rather than LIKE: no wildcard to escape, and the index serves it.
        // '~' sorts after every character of an id (digits, a–f, '-').
        try await read { db in
            try await db.raw("""
                SELECT id FROM runs WHERE id >= \(bind: prefix) AND id < \(bind: prefix + "~") ORDER BY id LIMIT \(literal: max(1, min(limit, 1000)))
                """).all().map { try $0.decode(column: "id", as: String.self) }
        }
    }

    public func leaderboard(_ query: LeaderboardQuery) async throws -> [LeaderboardEntry] {
        try await read { db in
            let best: SQLQueryString = query.higherIsBetter ? "MAX(value)" : "MIN(value)"
            let order: SQLQueryString = query.higherIsBetter ? "DESC" : "ASC"
            let state: SQLQueryString = query.state.map { "AND state = \(bind: $0.rawValue)" } ?? ""
            let metric = Self.metricPerRun(name: query.metric, best: best)
            let rows = try await db.raw("""
                SELECT \(unsafeRaw: Self.tableColumns), hm.value AS metric FROM runs JOIN \(metric) hm ON hm.run_id = runs.id
                WHERE workflow_name = \(bind: query.workflow) \(state)
                ORDER BY hm.value \(order), created_at DESC, id DESC LIMIT \(literal: max(1, min(query.limit, 1000)))
                """).all()
            return try rows.map { row in
                LeaderboardEntry(run: try Self.runSummary(row), value: try row.decode(column: "metric", as: Double.self),
                                 paramsJSON: try row.decode(column: "params_json", as: String.self))
            }
        }
    }

    public func runTable(_ query: RunTableQuery) async throws -> RunTablePage {
        try await read { db in
            var conditions: [SQLQueryString] = []
            if let workflow = query.workflow { conditions.append("workflow_name = \(bind: workflow)") }
            if let state = query.state { conditions.append("state = \(bind: state.rawValue)") }
            if let from = query.from { conditions.append("created_at >= \(bind: from.timeIntervalSince1970)") }
            if let to = query.to { conditions.append("created_at < \(bind: to.timeIntervalSince1970)") }
            for (name, value) in query.params.sorted(by: { $0.key < $1.key }) {
                conditions.append("\(self.paramText(name)) = \(bind: value)")
            }
            if let min = query.metricMin { conditions.append("hm.value >= \(bind: min)") }
            if let max = query.metricMax { conditions.append("hm.value <= \(bind: max)") }
            let filter: SQLQueryString = conditions.isEmpty ? "" : "WHERE \(conditions.joined(separator: " AND "))"

            var join: SQLQueryString = ""
            var metricColumn: SQLQueryString = ", NULL AS metric"
            if let name = query.metric {
                let best: SQLQueryString = query.metricHigherIsBetter ? "MAX(value)" : "MIN(value)"
                // Filtering on the metric keeps only runs that have it; otherwise every run shows.
                let kind: SQLQueryString = query.metricMin != nil || query.metricMax != nil ? "JOIN" : "LEFT JOIN"
                join = "\(kind) \(Self.metricPerRun(name: name, best: best)) hm ON hm.run_id = runs.id"
                metricColumn = ", hm.value AS metric"
            } else if query.metricMin != nil || query.metricMax != nil {
                throw StoreError.conflict("a metric range needs a metric")
            }
            let order = Self.tableOrder(query)
            let limit = max(1, min(query.limit, 1000))
            let rows = try await db.raw("""
                SELECT \(unsafeRaw: Self.tableColumns)\(metricColumn) FROM runs \(join) \(filter)
                ORDER BY \(order) LIMIT \(literal: limit + 1) OFFSET \(literal: max(0, query.offset))
                """).all()
            let page = try rows.prefix(limit).map { row in
                RunTableRow(run: try Self.runSummary(row), paramsJSON: try row.decode(column: "params_json", as: String.self),
                            metric: try row.decode(column: "metric", as: Double?.self))
            }
            return RunTablePage(rows: page, hasMore: rows.count > limit)
        }
    }

    /// The columns ``runSummary(_:)`` reads, and the params.
    private static let tableColumns =
        "id, workflow_name, dataset_id, trigger, state, created_at, started_at, finished_at, error, params_json, \(failedRunExcerpt)"

    /// One row per run: its best value of metric `name` over the steps that reported it (the
    /// `metrics_name (name, run_id)` index serves it).
    private static func metricPerRun(name: String, best: SQLQueryString) -> SQLQueryString {
        "(SELECT run_id, \(best) AS value FROM metrics WHERE name = \(bind: name) GROUP BY run_id)"
    }

    private static func tableOrder(_ query: RunTableQuery) -> SQLQueryString {
        let higher = query.metricHigherIsBetter
        switch query.sort {
        case .newest: return "created_at DESC, id DESC"
        case .oldest: return "created_at ASC, id ASC"
        case .metricBest, .metricWorst:
            guard query.metric != nil else { return "created_at DESC, id DESC" }
            let descending = (query.sort == .metricBest) == higher
            // Runs without the metric last either way (NULLS LAST is not SQLite < 3.30's).
            let direction: SQLQueryString = descending ? "DESC" : "ASC"
            return "CASE WHEN hm.value IS NULL THEN 1 ELSE 0 END, hm.value \(direction), created_at DESC, id DESC"
        }
    }

    /// A param's value as text, for a filter: `50`, `0.5`, `logistic`, `true`.
    private func paramText(_ name: String) -> SQLQueryString {
        switch dialect {
        case .sqlite:
            // json_extract gives 1/0 for true/false; PostgreSQL's ->> gives 'true'/'false', as the form sends.
            let path = "$.\"" + name + "\""
            return """
                (CASE json_type(params_json, \(bind: path)) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' \
                ELSE CAST(json_extract(params_json, \(bind: path)) AS TEXT) END)
                """
        case .postgres: return "(params_json::jsonb ->> \(bind: name))"
        }
    }
}
