import Foundation
import SQLKit

/// Completing steps: a worker's batch of finished attempts written in one transaction, what they
/// made ready claimed in it (SQLStore+Propagation.swift decides the dependents).
extension SQLStore {
    public func completeSteps(
        _ completions: [StepCompletion], thenClaim claimRequest: ClaimRequest?
    ) async throws -> (applied: [Bool], claimed: [StepRunRecord]?) {
        guard !completions.isEmpty else { return ([], nil) }
        return try await write { db in
            // PostgreSQL, one chunk: the runs are locked by the read's own statement (`lockedRead`).
            // Always before the steps: a completion that holds its steps' rows while it waits for
            // the run's would hold up those steps' lease extensions, and with them the heartbeat
            // (tried for steps without dependents: PostgresFaultTests' watchdog test caught it).
            let lockInRead = dialect == .postgres && completions.count <= 200
            if !lockInRead { try await lockRuns(db, completions.map(\.key.runID)) }
            // Set-based: a batch of completions costs a handful of statements, not a handful each —
            // what matters on PostgreSQL, where every statement is a network round trip.
            // The attempt each step is on, whether it is running, and who holds it.
            // And which of them have dependents (only those need propagating), in the same query.
            var current: [StepAttemptKey: (maxAttempts: Int, running: Bool, worker: String?, pool: String?)] = [:]
            var withDependents: Set<String> = []
            for chunk in completions.chunked(200) {
                let pairs = chunk.map { "(\(bind: $0.key.runID), \(bind: $0.key.stepID))" as SQLQueryString }.joined(separator: ", ")
                var read: SQLQueryString = """
                    SELECT run_id, step_id, state, attempt, worker, max_attempts, pool,
                        CASE WHEN EXISTS (SELECT 1 FROM step_edges e WHERE e.run_id = steps.run_id AND e.need_id = steps.step_id)
                            THEN 1 ELSE 0 END AS has_dependents
                    FROM steps WHERE (run_id, step_id) IN (VALUES \(pairs))
                    """
                if lockInRead { read = lockedRead(read, runs: chunk.map(\.key.runID)) }
                for row in try await db.raw(read).all() {
                    let key = StepAttemptKey(
                        runID: try row.decode(column: "run_id", as: String.self),
                        stepID: try row.decode(column: "step_id", as: String.self),
                        attempt: try row.decode(column: "attempt", as: Int.self))
                    let running = try row.decode(column: "state", as: String.self) == StepState.running.rawValue
                    current[key] = (
                        try row.decode(column: "max_attempts", as: Int.self), running,
                        try row.decode(column: "worker", as: String?.self), try row.decode(column: "pool", as: String?.self)
                    )
                    if try row.decode(column: "has_dependents", as: Int.self) != 0 {
                        withDependents.insert(key.runID + "\u{0}" + key.stepID)
                    }
                }
            }
            var results: [Bool] = []
            var succeeded: [SQLQueryString] = []
            var attemptEnds: [SQLQueryString] = []
            var events: [SQLQueryString] = []
            var finished: [(run: String, step: String, at: Date)] = []
            var seen: Set<StepAttemptKey> = []
            var releasedPlaces: [String: Int] = [:]
            for c in completions {
                let key = c.key
                let t = c.now.timeIntervalSince1970
                // Only the holder of this very attempt completes it, once.
                guard let state = current[key], state.running, state.worker == c.worker, seen.insert(key).inserted else {
                    results.append(false)
                    continue
                }
                results.append(true)
                // Every way out of `running` gives the pool's place back (SQLStore+Pools.swift).
                if let pool = state.pool { releasedPlaces[pool, default: 0] += 1 }
                func ended(_ outcome: String, _ error: String?) {
                    attemptEnds.append(
                        "(\(bind: key.runID), \(bind: key.stepID), \(bind: key.attempt), \(bind: t), \(bind: outcome), \(bind: error ?? ""))"
                    )
                }
                func event(_ message: String) {
                    events.append("(\(bind: key.runID), \(bind: key.stepID), \(bind: t), 'step_state', \(bind: message))")
                }
                switch c.outcome {
                case .succeeded(let outputs, let metrics), .cached(let outputs, let metrics, _):
                    let done: StepState = if case .cached = c.outcome { .cached } else { .succeeded }
                    succeeded.append(
                        "(\(bind: key.runID), \(bind: key.stepID), \(bind: t), \(bind: Self.encodeJSON(outputs)), \(bind: done.rawValue))")
                    if !metrics.isEmpty {
                        try await db.raw("DELETE FROM metrics WHERE run_id = \(bind: key.runID) AND step_id = \(bind: key.stepID)").run()
                        let values = metrics.sorted { $0.key < $1.key }.filter { $0.value.isFinite }
                            .map { "(\(bind: key.runID), \(bind: key.stepID), \(bind: $0.key), \(bind: $0.value))" as SQLQueryString }
                        if !values.isEmpty {
                            try await db.raw("INSERT INTO metrics (run_id, step_id, name, value) VALUES \(values.joined(separator: ", "))")
                                .run()
                        }
                    }
                    ended(done.rawValue, nil)
                    if case .cached(_, _, let from) = c.outcome {
                        event(
                            "\(key.stepID): running → cached (attempt \(key.attempt) reused run \(from.runID) \(from.stepID) attempt \(from.attempt))"
                        )
                    } else {
                        event("\(key.stepID): running → succeeded (attempt \(key.attempt))")
                    }
                    finished.append((key.runID, key.stepID, c.now))
                case .failed(let error, let exitStatus, let retryAt):
                    ended("failed", error)
                    if let retryAt, key.attempt < state.maxAttempts {
                        try await db.raw(
                            """
                            UPDATE steps SET state = \(StepState.ready), not_before = \(bind: retryAt.timeIntervalSince1970), worker = NULL,
                                lease_expires_at = NULL, error = \(bind: error), exit_status = \(bind: exitStatus)
                            WHERE run_id = \(bind: key.runID) AND step_id = \(bind: key.stepID)
                            """
                        ).run()
                        event(
                            "\(key.stepID): running → ready (attempt \(key.attempt) failed: \(error); retry at \(retryAt.formatted(.iso8601)))"
                        )
                    } else {
                        try await setTerminal(db, key.runID, key.stepID, .failed, error: error, exitStatus: exitStatus, at: t)
                        event("\(key.stepID): running → failed (attempt \(key.attempt)): \(error)")
                        finished.append((key.runID, key.stepID, c.now))
                    }
                case .skipped(let reason):
                    ended("skipped", nil)
                    try await setTerminal(db, key.runID, key.stepID, .skipped, error: reason, exitStatus: nil, at: t)
                    event("\(key.stepID): running → skipped (\(reason))")
                    finished.append((key.runID, key.stepID, c.now))
                case .canceled(let reason):
                    ended("canceled", reason)
                    try await setTerminal(db, key.runID, key.stepID, .canceled, error: reason, exitStatus: nil, at: t)
                    event("\(key.stepID): running → canceled (\(reason))")
                    finished.append((key.runID, key.stepID, c.now))
                }
            }
            func succeed(_ chunk: ArraySlice<SQLQueryString>) -> SQLQueryString {
                """
                UPDATE steps SET state = v.column5, finished_at = v.column3, outputs_json = v.column4,
                    lease_expires_at = NULL, error = NULL, exit_status = NULL
                FROM (VALUES \(chunk.joined(separator: ", "))) AS v
                WHERE steps.run_id = v.column1 AND steps.step_id = v.column2
                """
            }
            func end(_ chunk: ArraySlice<SQLQueryString>) -> SQLQueryString {
                """
                UPDATE attempts SET finished_at = v.column4, outcome = v.column5, error = NULLIF(v.column6, '')
                FROM (VALUES \(chunk.joined(separator: ", "))) AS v
                WHERE attempts.run_id = v.column1 AND attempts.step_id = v.column2 AND attempts.attempt = v.column3
                """
            }
            func log(_ chunk: ArraySlice<SQLQueryString>) -> SQLQueryString {
                "INSERT INTO events (run_id, step_id, at, kind, message) VALUES \(chunk.joined(separator: ", "))"
            }
            // The runs' counts of the steps this batch finished itself (propagation may finish more).
            let directCounts = Dictionary(finished.map { ($0.run, 1) }, uniquingKeysWith: +)
            // PostgreSQL: those counts taken in the writes' statement, and what they left (nil: not taken).
            var counted: [String: (state: String, unfinished: Int)]?
            if dialect == .postgres, !events.isEmpty, succeeded.count <= 200, attemptEnds.count <= 200, events.count <= 200 {
                // One round trip for the three writes of a batch and the runs' counts (data-modifying
                // CTEs always run; the runs' rows are locked already).
                // Typed locals, no ternary: `x[...]` inside an SQLQueryString interpolation kept the type
                // checker busy for over 15 minutes (Swift 6.3.1).
                var writes: [SQLQueryString] = []
                if !succeeded.isEmpty {
                    let update: SQLQueryString = succeed(ArraySlice(succeeded))
                    writes.append("done AS (\(update) RETURNING 1)")
                }
                if !attemptEnds.isEmpty {
                    let update: SQLQueryString = end(ArraySlice(attemptEnds))
                    writes.append("ended AS (\(update) RETURNING 1)")
                }
                if !releasedPlaces.isEmpty {
                    // The pools' places given back in the same round trip (SQLStore+Pools.swift).
                    let update: SQLQueryString = Self.poolRelease(releasedPlaces)
                    writes.append("released AS (\(update) RETURNING 1)")
                    releasedPlaces = [:]
                }
                var statement: SQLQueryString = log(ArraySlice(events))
                if !directCounts.isEmpty {
                    let counts: [SQLQueryString] = directCounts.sorted { $0.key < $1.key }.map { "(\(bind: $0.key), \(bind: $0.value))" }
                    let list: SQLQueryString = counts.joined(separator: ", ")
                    writes.append(
                        """
                        counted AS (UPDATE runs r SET unfinished_steps = r.unfinished_steps - c.n FROM (VALUES \(list)) AS c(id, n)
                            WHERE r.id = c.id RETURNING r.id, r.state, r.unfinished_steps)
                        """)
                    let logged: SQLQueryString = "logged AS (\(statement) RETURNING 1)"
                    writes.append(logged)
                    statement = "SELECT id, state, unfinished_steps FROM counted"
                }
                if !writes.isEmpty {
                    let ctes: SQLQueryString = writes.joined(separator: ", ")
                    let with: SQLQueryString = "WITH \(ctes) "
                    statement = with + statement
                }
                var left: [String: (state: String, unfinished: Int)] = [:]
                for row in try await db.raw(statement).all() {
                    left[try row.decode(column: "id", as: String.self)] = (
                        try row.decode(column: "state", as: String.self),
                        try row.decode(column: "unfinished_steps", as: Int.self)
                    )
                }
                if !directCounts.isEmpty { counted = left }
            } else {
                for chunk in succeeded.chunked(200) { try await db.raw(succeed(chunk)).run() }
                for chunk in attemptEnds.chunked(200) { try await db.raw(end(chunk)).run() }
                for chunk in events.chunked(200) { try await db.raw(log(chunk)).run() }
            }
            try await releasePools(db, releasedPlaces)
            try await recordCache(db, completions, applied: results)
            var finishedByRun: [String: Int] = [:]
            var readied: Set<StepKey> = []
            for step in finished {
                finishedByRun[step.run, default: 0] += 1
                if withDependents.contains(step.run + "\u{0}" + step.step) {
                    finishedByRun[step.run, default: 0] += try await propagate(
                        db, run: step.run, from: step.step, at: step.at, readied: &readied)
                }
            }
            for (run, count) in finishedByRun {
                guard let counted, let left = counted[run] else {
                    try await finishSteps(db, run: run, count: count, at: completions[0].now)
                    continue
                }
                let more = count - (directCounts[run] ?? 0)
                if more > 0 {
                    try await finishSteps(db, run: run, count: more, at: completions[0].now)
                } else if left.unfinished <= 0 {
                    try await endRun(db, run: run, current: left.state, at: completions[0].now)
                }
            }
            // The worker fills the slots it frees with what it made ready (a chain's next step); ready
            // steps it did not take wake the other workers. Only then: the claim runs under the run's
            // lock, which the other workers' completions of a fan-out wait for (measured: slower).
            var claimed: [StepRunRecord]?
            if !readied.isEmpty, let claimRequest {
                claimed = try await claim(db, claimRequest)
            }
            let taken = (claimed ?? []).map { StepKey(run: $0.runID, step: $0.stepID) }
            if !readied.subtracting(taken).isEmpty { try await notifyReady(db) }
            return (results, claimed)
        }
    }

    /// `read` (a `SELECT … FROM steps WHERE …`) that first locks `runs` as ``lockRuns(_:_:)`` does,
    /// in one round trip instead of two, and reads the steps `FOR UPDATE`.
    ///
    /// The lock is a CTE counted by a qual that names no column, which PostgreSQL runs as a one-time
    /// filter before it scans `steps` (`EXPLAIN`: `One-Time Filter` over the `InitPlan`): the runs
    /// are locked first, in id order, as everywhere else. The statement's snapshot is older than that
    /// lock, so the steps are read `FOR UPDATE`: a row changed by a transaction that committed while
    /// this one waited for the lock (a take-back) is read in its latest version, as a separate
    /// statement after the lock would read it.
    func lockedRead(_ read: SQLQueryString, runs: [String]) -> SQLQueryString {
        let ids: [SQLQueryString] = Set(runs).sorted().map { "\(bind: $0)" }
        let list: SQLQueryString = ids.joined(separator: ", ")
        let lock: SQLQueryString = "WITH locked AS MATERIALIZED (SELECT id FROM runs WHERE id IN (\(list)) ORDER BY id FOR UPDATE) "
        let gate: SQLQueryString = " AND (SELECT count(*) FROM locked) >= 0 FOR UPDATE OF steps"
        return lock + read + gate
    }
}
