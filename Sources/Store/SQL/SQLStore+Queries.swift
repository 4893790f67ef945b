import Foundation
import SQLKit

/// Datasets, runs and history: everything but the execution protocol.
extension SQLStore {
    public func registerDataset(_ dataset: DatasetRecord) async throws -> (record: DatasetRecord, created: Bool) {
        try await write { db in
            // ON CONFLICT: two processes registering the same content at once make one dataset.
            try await db.raw(
                """
                INSERT INTO datasets (id, path, size_bytes, content_hash, schema_json, registered_at, status, reject_reason)
                VALUES (\(bind: dataset.id), \(bind: dataset.path), \(bind: dataset.sizeBytes), \(bind: dataset.contentHash),
                        \(bind: dataset.schemaJSON), \(bind: dataset.registeredAt.timeIntervalSince1970), \(bind: dataset.status),
                        \(bind: dataset.rejectReason))
                ON CONFLICT (content_hash) DO NOTHING
                """
            ).run()
            guard let row = try await db.raw("SELECT * FROM datasets WHERE content_hash = \(bind: dataset.contentHash)").first() else {
                throw StoreError.unavailable("dataset \(dataset.id) vanished while being registered")
            }
            let record = try Self.dataset(row)
            return (record, record.id == dataset.id)
        }
    }

    public func dataset(id: String) async throws -> DatasetRecord? {
        try await read { db in try await db.raw("SELECT * FROM datasets WHERE id = \(bind: id)").first().map(Self.dataset) }
    }

    public func dataset(contentHash: String) async throws -> DatasetRecord? {
        try await read { db in
            try await db.raw("SELECT * FROM datasets WHERE content_hash = \(bind: contentHash)").first().map(Self.dataset)
        }
    }

    public func datasets(limit: Int) async throws -> [DatasetRecord] {
        try await read { db in
            try await db.raw("SELECT * FROM datasets ORDER BY registered_at DESC, id DESC LIMIT \(literal: limit)").all().map(Self.dataset)
        }
    }

    public func createRun(_ run: RunRecord, steps: [NewStepRun]) async throws {
        try await write { db in
            try await db.raw(
                """
                INSERT INTO runs (id, workflow_name, workflow_yaml, workflow_hash, params_json, inputs_json, dataset_id, trigger,
                                  state, created_at, started_at, finished_at, error, unfinished_steps, trigger_key, cache_off, priority)
                VALUES (\(bind: run.id), \(bind: run.workflowName), \(bind: run.workflowYAML), \(bind: run.workflowHash),
                        \(bind: run.paramsJSON), \(bind: run.inputsJSON), \(bind: run.datasetID), \(bind: run.trigger.rawValue),
                        \(bind: run.state.rawValue), \(bind: run.createdAt.timeIntervalSince1970), NULL, NULL, NULL, \(bind: steps.count),
                        \(bind: run.triggerKey), \(bind: run.cache ? 0 : 1), \(bind: run.priority))
                """
            ).run()
            // Multi-row inserts in chunks: a thousand-step run is a handful of statements.
            let order = Self.claimOrder(submittedAt: run.createdAt, priority: run.priority)
            for chunk in steps.chunked(100) {
                var values: [SQLQueryString] = []
                for step in chunk {
                    let state = step.needs.isEmpty ? StepState.ready : .pending
                    let head: SQLQueryString =
                        "(\(bind: run.id), \(bind: step.stepID), \(bind: step.position), \(bind: Self.encodeJSON(step.needs)), \(bind: state.rawValue), 0, "
                    let tail: SQLQueryString =
                        "\(bind: step.maxAttempts), \(bind: step.maxAttempts), '{}', \(bind: step.cpu), \(bind: step.pool), \(bind: order))"
                    values.append(head + tail)
                }
                try await db.raw(
                    "INSERT INTO steps (run_id, step_id, position, needs_json, state, attempt, max_attempts, retry_budget, outputs_json, cpu, pool, claim_order) VALUES \(values.joined(separator: ", "))"
                ).run()
            }
            let edges = steps.flatMap { step in step.needs.map { (step.stepID, $0) } }
            for chunk in edges.chunked(200) {
                let values: [SQLQueryString] = chunk.map { "(\(bind: run.id), \(bind: $0.0), \(bind: $0.1))" }
                try await db.raw("INSERT INTO step_edges (run_id, step_id, need_id) VALUES \(values.joined(separator: ", "))").run()
            }
            try await Self.event(
                db, run: run.id, step: nil, kind: "run_state",
                message: "run submitted by \(run.trigger.rawValue): \(run.workflowName), \(steps.count) steps", at: run.createdAt)
            if steps.contains(where: { $0.needs.isEmpty }) { try await notifyReady(db) }
        }
    }

    public func run(id: String) async throws -> RunRecord? {
        try await read { db in try await db.raw("SELECT * FROM runs WHERE id = \(bind: id)").first().map(Self.run) }
    }

    public func run(triggerKey: String) async throws -> RunRecord? {
        try await read { db in try await db.raw("SELECT * FROM runs WHERE trigger_key = \(bind: triggerKey)").first().map(Self.run) }
    }

    public func runs(_ query: RunQuery) async throws -> [RunRecord] {
        try await read { db in try await Self.runPage(query, columns: "*", db).map(Self.run) }
    }

    public func runSummaries(_ query: RunQuery) async throws -> [RunSummary] {
        try await read { db in
            try await Self.runPage(
                query,
                columns:
                    "id, workflow_name, dataset_id, trigger, state, created_at, started_at, finished_at, error, \(Self.failedRunExcerpt)",
                db
            )
            .map(Self.runSummary)
        }
    }

    /// Rows of `runs`, newest first, filtered and paged by `query`.
    private static func runPage(_ query: RunQuery, columns: String, _ db: any SQLDatabase) async throws -> [any SQLRow] {
        var conditions: [SQLQueryString] = []
        if let state = query.state { conditions.append("state = \(bind: state.rawValue)") }
        if let workflow = query.workflow { conditions.append("workflow_name = \(bind: workflow)") }
        if let dataset = query.datasetID { conditions.append("dataset_id = \(bind: dataset)") }
        if let before = query.before,
            let cursor = try await db.raw("SELECT created_at FROM runs WHERE id = \(bind: before)").first()?.decode(
                column: "created_at", as: Double.self)
        {
            conditions.append("(created_at < \(bind: cursor) OR (created_at = \(bind: cursor) AND id < \(bind: before)))")
        }
        let filter: SQLQueryString = conditions.isEmpty ? "" : "WHERE \(conditions.joined(separator: " AND "))"
        // LIMIT as a literal, here and elsewhere: SQLite re-prepares a statement every time a
        // bound LIMIT is bound again (its planner may use the value), which cost a fifth of a page.
        return try await db.raw(
            "SELECT \(unsafeRaw: columns) FROM runs \(filter) ORDER BY created_at DESC, id DESC LIMIT \(literal: max(1, min(query.limit, 1000)))"
        )
        .all()
    }

    public func runCounts() async throws -> [RunState: Int] {
        try await read { db in
            var counts: [RunState: Int] = [:]
            for row in try await db.raw("SELECT state, COUNT(*) AS n FROM runs GROUP BY state").all() {
                if let state = RunState(rawValue: try row.decode(column: "state", as: String.self)) {
                    counts[state] = try row.decode(column: "n", as: Int.self)
                }
            }
            return counts
        }
    }

    public func readyStepCount() async throws -> Int {
        try await read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM steps WHERE state = \(StepState.ready)").first()?.decode(column: "n", as: Int.self)
                ?? 0
        }
    }

    public func steps(runID: String) async throws -> [StepRunRecord] {
        try await read { db in
            try await db.raw("SELECT * FROM steps WHERE run_id = \(bind: runID) ORDER BY position").all().map(Self.step)
        }
    }

    public func attempts(runID: String) async throws -> [AttemptRecord] {
        try await read { db in
            try await db.raw("SELECT * FROM attempts WHERE run_id = \(bind: runID) ORDER BY started_at, step_id, attempt").all().map {
                row in
                AttemptRecord(
                    runID: try row.decode(column: "run_id", as: String.self), stepID: try row.decode(column: "step_id", as: String.self),
                    attempt: try row.decode(column: "attempt", as: Int.self), worker: try row.decode(column: "worker", as: String.self),
                    startedAt: try Self.date(row, "started_at") ?? .distantPast, finishedAt: try Self.date(row, "finished_at"),
                    outcome: try row.decode(column: "outcome", as: String?.self), error: try row.decode(column: "error", as: String?.self),
                    process: try Self.attemptProcess(row), cache: try Self.attemptCache(row),
                    errorExcerpt: try row.decode(column: "error_excerpt", as: String?.self))
            }
        }
    }

    public func metrics(runID: String) async throws -> [MetricRecord] {
        try await read { db in
            try await db.raw(
                "SELECT m.* FROM metrics m JOIN steps s ON s.run_id = m.run_id AND s.step_id = m.step_id WHERE m.run_id = \(bind: runID) ORDER BY s.position, m.name"
            ).all().map { row in
                MetricRecord(
                    runID: try row.decode(column: "run_id", as: String.self), stepID: try row.decode(column: "step_id", as: String.self),
                    name: try row.decode(column: "name", as: String.self), value: try row.decode(column: "value", as: Double.self))
            }
        }
    }

    public func events(runID: String, after: Int64, limit: Int) async throws -> [EventRecord] {
        try await read { db in
            try await db.raw(
                "SELECT * FROM events WHERE run_id = \(bind: runID) AND id > \(bind: after) ORDER BY id LIMIT \(literal: limit)"
            ).all().map { row in
                EventRecord(
                    id: try row.decode(column: "id", as: Int64.self), runID: try row.decode(column: "run_id", as: String.self),
                    stepID: try row.decode(column: "step_id", as: String?.self), at: try Self.date(row, "at") ?? .distantPast,
                    kind: try row.decode(column: "kind", as: String.self), message: try row.decode(column: "message", as: String.self))
            }
        }
    }

    public func appendEvent(runID: String, stepID: String?, kind: String, message: String, at: Date) async throws {
        try await write { db in try await Self.event(db, run: runID, step: stepID, kind: kind, message: message, at: at) }
    }

    static func event(_ db: any SQLDatabase, run: String, step: String?, kind: String, message: String, at: Date) async throws {
        try await db.raw(
            "INSERT INTO events (run_id, step_id, at, kind, message) VALUES (\(bind: run), \(bind: step), \(bind: at.timeIntervalSince1970), \(bind: kind), \(bind: message))"
        ).run()
    }

    // MARK: Workers

    public func heartbeatWorker(_ worker: WorkerRecord) async throws {
        try await write { db in
            let process = worker.process
            // A worker that restarts under the same name is a new process: its row says so.
            try await db.raw(
                """
                INSERT INTO workers (name, host, started_at, last_heartbeat, steps_held, boot_id, pid_namespace, pid,
                                     concurrency, oldest_call, oldest_call_started_at, last_error, last_error_at)
                VALUES (\(bind: worker.name), \(bind: worker.host), \(bind: worker.startedAt.timeIntervalSince1970),
                        \(bind: worker.lastHeartbeat.timeIntervalSince1970), \(bind: worker.stepsHeld),
                        \(bind: process?.machine.bootID), \(bind: process?.machine.pidNamespace), \(bind: process.map { Int($0.pid) }),
                        \(bind: worker.concurrency), \(bind: worker.oldestCall?.call), \(bind: worker.oldestCall?.startedAt.timeIntervalSince1970),
                        \(bind: worker.lastError?.message), \(bind: worker.lastError?.at.timeIntervalSince1970))
                ON CONFLICT (name) DO UPDATE SET last_heartbeat = excluded.last_heartbeat, steps_held = excluded.steps_held,
                    host = excluded.host, started_at = excluded.started_at, boot_id = excluded.boot_id,
                    pid_namespace = excluded.pid_namespace, pid = excluded.pid, concurrency = excluded.concurrency,
                    oldest_call = excluded.oldest_call, oldest_call_started_at = excluded.oldest_call_started_at,
                    last_error = excluded.last_error, last_error_at = excluded.last_error_at
                """
            ).run()
        }
    }

    public func workers(since: Date) async throws -> [WorkerRecord] {
        try await read { db in
            try await db.raw("SELECT * FROM workers WHERE last_heartbeat > \(bind: since.timeIntervalSince1970) ORDER BY name").all().map {
                row in
                WorkerRecord(
                    name: try row.decode(column: "name", as: String.self), host: try row.decode(column: "host", as: String.self),
                    startedAt: try Self.date(row, "started_at") ?? .distantPast,
                    lastHeartbeat: try Self.date(row, "last_heartbeat") ?? .distantPast,
                    stepsHeld: try row.decode(column: "steps_held", as: Int.self),
                    process: try Self.workerProcess(row),
                    concurrency: try row.decode(column: "concurrency", as: Int?.self),
                    oldestCall: try Self.workerStoreCall(row), lastError: try Self.workerStoreError(row))
            }
        }
    }

    public func removeWorker(name: String) async throws {
        try await write { db in try await db.raw("DELETE FROM workers WHERE name = \(bind: name)").run() }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension Array where Element == SQLQueryString {
    func joined(separator: String) -> SQLQueryString {
        var out: SQLQueryString = ""
        for (i, piece) in enumerated() {
            if i > 0 { out.appendLiteral(separator) }
            out = out + piece
        }
        return out
    }
}
