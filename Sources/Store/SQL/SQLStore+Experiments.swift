import Foundation
import SQLKit

/// Reads for comparing runs: run id prefixes, a workflow's leaderboard, the dashboard's runs table.
extension SQLStore {
    public func runIDs(prefix: String, limit: Int) async throws -> [String] {
        // A range on the primary key rather than LIKE: no wildcard to escape, and the index serves it.
        // '~' sorts after every character of an id (digits, a–f, '-').
        try await read { db in
            try await db.raw(
                """
                SELECT id FROM runs WHERE id >= \(bind: prefix) AND id < \(bind: prefix + "~") ORDER BY id LIMIT \(literal: max(1, min(limit, 1000)))
                """
            ).all().map { try $0.decode(column: "id", as: String.self) }
        }
    }

    public func leaderboard(_ query: LeaderboardQuery) async throws -> [LeaderboardEntry] {
        try await read { db in
            let order: SQLQueryString = query.higherIsBetter ? "DESC" : "ASC"
            let state: SQLQueryString = query.state.map { "AND state = \(bind: $0.rawValue)" } ?? ""
            let metric = Self.metricOfRun(name: query.metric, higherIsBetter: query.higherIsBetter)
            let rows = try await db.raw(
                """
                SELECT * FROM (SELECT \(unsafeRaw: Self.tableColumns), \(metric) AS metric FROM runs
                    WHERE workflow_name = \(bind: query.workflow) \(state)) ranked
                WHERE metric IS NOT NULL
                ORDER BY metric \(order), created_at DESC, id DESC LIMIT \(literal: max(1, min(query.limit, 1000)))
                """
            ).all()
            return try rows.map { row in
                LeaderboardEntry(
                    run: try Self.runSummary(row), value: try row.decode(column: "metric", as: Double.self),
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
            let filter: SQLQueryString = conditions.isEmpty ? "" : "WHERE \(conditions.joined(separator: " AND "))"
            // The metric's range filters the inner query's rows by their computed value.
            var outer: [SQLQueryString] = []
            if let min = query.metricMin { outer.append("metric >= \(bind: min)") }
            if let max = query.metricMax { outer.append("metric <= \(bind: max)") }
            let outerFilter: SQLQueryString = outer.isEmpty ? "" : "WHERE \(outer.joined(separator: " AND "))"
            guard query.metric != nil || outer.isEmpty else { throw StoreError.conflict("a metric range needs a metric") }
            let metric: SQLQueryString =
                query.metric.map { Self.metricOfRun(name: $0, higherIsBetter: query.metricHigherIsBetter) } ?? "NULL"
            let order = Self.tableOrder(query)
            let limit = max(1, min(query.limit, 1000))
            let rows = try await db.raw(
                """
                SELECT * FROM (SELECT \(unsafeRaw: Self.tableColumns), \(metric) AS metric FROM runs \(filter)) page \(outerFilter)
                ORDER BY \(order) LIMIT \(literal: limit + 1) OFFSET \(literal: max(0, query.offset))
                """
            ).all()
            let page = try rows.prefix(limit).map { row in
                RunTableRow(
                    run: try Self.runSummary(row), paramsJSON: try row.decode(column: "params_json", as: String.self),
                    metric: try row.decode(column: "metric", as: Double?.self))
            }
            return RunTablePage(rows: page, hasMore: rows.count > limit)
        }
    }

    /// The columns ``runSummary(_:)`` reads, and the params.
    private static let tableColumns =
        "id, workflow_name, dataset_id, trigger, state, created_at, started_at, finished_at, error, params_json, \(failedRunExcerpt)"

    /// A run's best value of metric `name` over the steps that reported it, as a column: a
    /// correlated subquery on the metrics' primary key (run_id first), so each run costs one index
    /// range whatever the planner knows. (A join on a per-run GROUP BY of the whole metrics table
    /// was planned on PostgreSQL into a nested loop: 1–3 s at 10,000 runs.)
    private static func metricOfRun(name: String, higherIsBetter: Bool) -> SQLQueryString {
        let best: SQLQueryString = higherIsBetter ? "MAX(m.value)" : "MIN(m.value)"
        return "(SELECT \(best) FROM metrics m WHERE m.run_id = runs.id AND m.name = \(bind: name))"
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
            return "CASE WHEN metric IS NULL THEN 1 ELSE 0 END, metric \(direction), created_at DESC, id DESC"
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
