import Foundation
import SQLKit

/// Step caching: the cache columns of `attempts` (migration 4) and the entries they make.
extension SQLStore {
    public func cacheEntries(key: String) async throws -> [CacheEntry] {
        try await read { db in
            try await Self.entries(db, "a.cache_key = \(bind: key) AND a.cache_entry = 1", limit: 20)
        }
    }

    public func cacheEntries(limit: Int) async throws -> [CacheEntry] {
        try await read { db in
            try await Self.entries(db, "a.cache_entry = 1", limit: limit)
        }
    }

    public func previousCacheParts(
        workflow: String, stepID: String, excludingRun runID: String
    ) async throws -> (source: StepAttemptKey, partsJSON: String)? {
        try await read { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT a.run_id, a.step_id, a.attempt, a.cache_parts_json FROM attempts a JOIN runs r ON r.id = a.run_id
                    WHERE a.step_id = \(bind: stepID) AND r.workflow_name = \(bind: workflow) AND a.run_id <> \(bind: runID)
                        AND a.cache_parts_json IS NOT NULL AND a.outcome IN ('succeeded', 'cached')
                    ORDER BY a.finished_at DESC LIMIT 1
                    """
                ).first()
            else { return nil }
            return (
                StepAttemptKey(
                    runID: try row.decode(column: "run_id", as: String.self),
                    stepID: try row.decode(column: "step_id", as: String.self),
                    attempt: try row.decode(column: "attempt", as: Int.self)),
                try row.decode(column: "cache_parts_json", as: String.self)
            )
        }
    }

    public func clearCache(finishedBefore before: Date?) async throws -> Int {
        try await write { db in
            let filter: SQLQueryString = before.map { "AND finished_at < \(bind: $0.timeIntervalSince1970)" } ?? ""
            return try await db.raw("UPDATE attempts SET cache_entry = 0 WHERE cache_entry = 1 \(filter) RETURNING attempt").all().count
        }
    }

    public func cacheUsage() async throws -> CacheUsage {
        try await read { db in
            let row = try await db.raw(
                "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(cache_bytes), 0) AS BIGINT) AS b FROM attempts WHERE cache_entry = 1"
            ).first()
            return CacheUsage(
                entries: try row?.decode(column: "n", as: Int.self) ?? 0, bytes: try row?.decode(column: "b", as: Int64.self) ?? 0)
        }
    }

    private static func entries(_ db: any SQLDatabase, _ condition: SQLQueryString, limit: Int) async throws -> [CacheEntry] {
        let rows = try await db.raw(
            """
            SELECT a.run_id, a.step_id, a.attempt, a.cache_key, a.finished_at, a.cache_files_json, a.cache_bytes,
                r.workflow_name, s.outputs_json
            FROM attempts a JOIN runs r ON r.id = a.run_id JOIN steps s ON s.run_id = a.run_id AND s.step_id = a.step_id
            WHERE \(condition) ORDER BY a.finished_at DESC LIMIT \(literal: max(0, limit))
            """
        ).all()
        var entries: [CacheEntry] = []
        for row in rows {
            let source = StepAttemptKey(
                runID: try row.decode(column: "run_id", as: String.self),
                stepID: try row.decode(column: "step_id", as: String.self),
                attempt: try row.decode(column: "attempt", as: Int.self))
            var metrics: [String: Double] = [:]
            for m in try await db.raw(
                "SELECT name, value FROM metrics WHERE run_id = \(bind: source.runID) AND step_id = \(bind: source.stepID)"
            ).all() {
                metrics[try m.decode(column: "name", as: String.self)] = try m.decode(column: "value", as: Double.self)
            }
            entries.append(
                CacheEntry(
                    key: try row.decode(column: "cache_key", as: String.self), source: source,
                    workflowName: try row.decode(column: "workflow_name", as: String.self),
                    finishedAt: try date(row, "finished_at") ?? .distantPast,
                    filesJSON: try row.decode(column: "cache_files_json", as: String?.self) ?? "{}",
                    bytes: try row.decode(column: "cache_bytes", as: Int64?.self) ?? 0,
                    outputs: decodeJSON(try row.decode(column: "outputs_json", as: String.self)) ?? [:], metrics: metrics))
        }
        return entries
    }

    /// Writes the cache columns of the completed attempts (inside ``completeSteps(_:)``'s transaction):
    /// only for completions that were applied and carry cache facts. An attempt is an entry only
    /// when it computed a success with a key.
    func recordCache(_ db: any SQLDatabase, _ completions: [StepCompletion], applied: [Bool]) async throws {
        for (c, ok) in zip(completions, applied) where ok {
            guard let cache = c.cache else { continue }
            var entry = false
            if case .succeeded = c.outcome { entry = cache.isEntry && cache.key != nil }
            let from = cache.cachedFrom.map { "\($0.runID)/\($0.stepID)#\($0.attempt)" }
            try await db.raw(
                """
                UPDATE attempts SET cache_key = \(bind: cache.key), cache_parts_json = \(bind: cache.partsJSON),
                    cache_files_json = \(bind: cache.filesJSON), cache_bytes = \(bind: cache.bytes), cached_from = \(bind: from),
                    cache_note = \(bind: cache.note), cache_entry = \(bind: entry ? 1 : 0)
                WHERE run_id = \(bind: c.key.runID) AND step_id = \(bind: c.key.stepID) AND attempt = \(bind: c.key.attempt)
                """
            ).run()
        }
    }

    /// The cache columns of an `attempts` row; nil when it recorded none.
    static func attemptCache(_ row: any SQLRow) throws -> AttemptCache? {
        let key = try row.decode(column: "cache_key", as: String?.self)
        let note = try row.decode(column: "cache_note", as: String?.self)
        let from = try row.decode(column: "cached_from", as: String?.self)
        guard key != nil || note != nil || from != nil else { return nil }
        return AttemptCache(
            key: key, partsJSON: try row.decode(column: "cache_parts_json", as: String?.self),
            filesJSON: try row.decode(column: "cache_files_json", as: String?.self), cachedFrom: from.flatMap(Self.attemptKey),
            note: note, bytes: try row.decode(column: "cache_bytes", as: Int64?.self),
            isEntry: try row.decode(column: "cache_entry", as: Int.self) != 0)
    }

    /// `run/step#attempt` → the key (step ids hold no `/` or `#`).
    static func attemptKey(_ text: String) -> StepAttemptKey? {
        guard let slash = text.lastIndex(of: "/"), let hash = text.lastIndex(of: "#"), slash < hash,
            let attempt = Int(text[text.index(after: hash)...])
        else { return nil }
        return StepAttemptKey(runID: String(text[..<slash]), stepID: String(text[text.index(after: slash)..<hash]), attempt: attempt)
    }
}
