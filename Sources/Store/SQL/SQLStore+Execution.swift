import Foundation
import SQLKit

/// Claiming, leasing and completing steps: the coordination of workers through the database.
extension SQLStore {
    /// Lost leases (worker crashes) per step that do not count against its retries.
    static let crashAllowance = 3

    public func claimReadySteps(worker: String, runID: String?, limit: Int, now: Date, leaseUntil: Date) async throws -> [StepRunRecord] {
        guard limit > 0 else { return [] }
        if dialect == .postgres {
            return try await claimReadyStepsInOneStatement(worker: worker, runID: runID, limit: limit, now: now, leaseUntil: leaseUntil)
        }
        return try await write { db in
            try await claim(db, ClaimRequest(worker: worker, runID: runID, limit: limit, now: now, leaseUntil: leaseUntil))
        }
    }

    /// Claims inside the caller's transaction: the one statement on PostgreSQL, the portable steps on SQLite.
    func claim(_ db: any SQLDatabase, _ request: ClaimRequest) async throws -> [StepRunRecord] {
        guard request.limit > 0 else { return [] }
        if dialect == .postgres { return try await claimStatement(db, request) }
        let (worker, runID, limit, now, leaseUntil) = (request.worker, request.runID, request.limit, request.now, request.leaseUntil)
        do {
            let t = now.timeIntervalSince1970
            let runFilter: SQLQueryString = runID.map { "AND run_id = \(bind: $0)" } ?? ""
            // Slots, pools and order: SQLStore+Pools.swift. More rows than slots: some may wait for their pool.
            let ready = try await db.raw(
                """
                SELECT run_id, step_id, cpu, pool FROM steps
                WHERE state = \(StepState.ready) AND (not_before IS NULL OR not_before <= \(bind: t)) AND cpu <= \(bind: limit) \(runFilter)
                ORDER BY claim_order, run_id, position LIMIT \(literal: limit + 64)
                """
            ).all().map {
                ClaimCandidate(
                    run: try $0.decode(column: "run_id", as: String.self), step: try $0.decode(column: "step_id", as: String.self),
                    cpu: try $0.decode(column: "cpu", as: Int.self), pool: try $0.decode(column: "pool", as: String?.self))
            }
            let candidates = try await fitSlotsAndPools(db, ready, slots: limit).map { ($0.run, $0.step) }
            guard !candidates.isEmpty else { return [] }

            var claimed: [StepRunRecord] = []
            for (run, group) in Dictionary(grouping: candidates, by: \.0) {
                let ids = group.map { "\(bind: $0.1)" as SQLQueryString }.joined(separator: ", ")
                // RETURNING: the claimed rows come back with the update, one round trip.
                let rows = try await db.raw(
                    """
                    UPDATE steps SET state = \(StepState.running), attempt = attempt + 1, worker = \(bind: worker),
                        lease_expires_at = \(bind: leaseUntil.timeIntervalSince1970), started_at = \(bind: t),
                        finished_at = NULL, not_before = NULL, cancel_requested = 0
                    WHERE run_id = \(bind: run) AND step_id IN (\(ids))
                    RETURNING *
                    """
                ).all().map(Self.step)
                claimed += rows
                let attempts = rows.map {
                    "(\(bind: run), \(bind: $0.stepID), \(bind: $0.attempt), \(bind: worker), \(bind: t))" as SQLQueryString
                }
                try await db.raw(
                    "INSERT INTO attempts (run_id, step_id, attempt, worker, started_at) VALUES \(attempts.joined(separator: ", "))"
                ).run()
                var events = rows.map {
                    "(\(bind: run), \(bind: $0.stepID), \(bind: t), 'step_state', \(bind: "\($0.stepID): ready → running (attempt \($0.attempt) of \($0.maxAttempts), \(worker))"))"
                        as SQLQueryString
                }
                // Read first, update only a queued run: on PostgreSQL an UPDATE waits for the row lock
                // another worker's completion holds on the run, even when it would change nothing.
                if let row = try await db.raw("SELECT state FROM runs WHERE id = \(bind: run)").first(),
                    try row.decode(column: "state", as: String.self) == RunState.queued.rawValue
                {
                    try await db.raw(
                        "UPDATE runs SET state = \(RunState.running), started_at = COALESCE(started_at, \(bind: t)) WHERE id = \(bind: run)"
                    ).run()
                    events.append("(\(bind: run), NULL, \(bind: t), 'run_state', 'run: queued → running')")
                }
                try await db.raw("INSERT INTO events (run_id, step_id, at, kind, message) VALUES \(events.joined(separator: ", "))").run()
            }
            return claimed.sorted { ($0.runID, $0.position) < ($1.runID, $1.position) }
        }
    }

    public func extendLease(_ key: StepAttemptKey, worker: String, until: Date, now: Date) async throws -> LeaseStatus {
        try await write { db in
            let lock: SQLQueryString = dialect == .postgres ? "FOR UPDATE" : ""
            guard
                let row = try await db.raw(
                    "SELECT state, attempt, worker, cancel_requested FROM steps WHERE run_id = \(bind: key.runID) AND step_id = \(bind: key.stepID) \(lock)"
                ).first(),
                try row.decode(column: "state", as: String.self) == StepState.running.rawValue,
                try row.decode(column: "attempt", as: Int.self) == key.attempt,
                try row.decode(column: "worker", as: String?.self) == worker
            else {
                return .lost
            }
            try await db.raw(
                "UPDATE steps SET lease_expires_at = \(bind: until.timeIntervalSince1970) WHERE run_id = \(bind: key.runID) AND step_id = \(bind: key.stepID)"
            ).run()
            return try row.decode(column: "cancel_requested", as: Int.self) != 0 ? .cancelRequested : .held
        }
    }

    public func completeSteps(
        _ completions: [StepCompletion], thenClaim claimRequest: ClaimRequest?
    ) async throws -> (applied: [Bool], claimed: [StepRunRecord]?) {
        guard !completions.isEmpty else { return ([], nil) }
        return try await write { db in
            // PostgreSQL, one chunk: the runs are locked by the read's own statement (`lockedRead`) —
            // unless every step is known to have no dependents (`withoutRunLock`): then only the
            // steps' rows are locked by the read, and the runs' rows by the count's `UPDATE`, a
            // statement later and so held a round trip shorter. What the run's lock guards is
            // propagation (two completions must see each other to ready a common dependent), which
            // such a batch does not do; a fan-out's completions from several workers then overlap.
            // Steps before runs is the opposite order to a take-back's: PostgreSQL breaks such a
            // deadlock within `deadlock_timeout` and the backend retries the transaction it aborted.
            let oneChunk = dialect == .postgres && completions.count <= 200
            let withoutRunLock = oneChunk && completions.allSatisfy { $0.hasDependents == false }
            let lockInRead = oneChunk && !withoutRunLock
            if !oneChunk { try await lockRuns(db, completions.map(\.key.runID)) }
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
                // The latest version of each step, kept so until commit: a take-back that committed
                // meanwhile is seen, and none can come between this read and the writes.
                if withoutRunLock { read = read + " FOR UPDATE OF steps" }
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
            // A claim that said "no dependents" was wrong (a step record from elsewhere): lock now.
            if withoutRunLock, !withDependents.isEmpty { try await lockRuns(db, completions.map(\.key.runID)) }
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
                // CTEs always run; the runs' rows are locked already, or by `counted` here).
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

    public func recoverExpiredLeases(now: Date) async throws -> [TakenBackAttempt] {
        try await takeBack(
            "state = \(StepState.running) AND lease_expires_at < \(bind: now.timeIntervalSince1970)", reason: "lease expired", now: now)
    }

    public func releaseLeases(worker: String, now: Date) async throws -> [TakenBackAttempt] {
        try await takeBack("state = \(StepState.running) AND worker = \(bind: worker)", reason: "worker \(worker) is gone", now: now)
    }

    public func recordAttemptProcess(_ key: StepAttemptKey, worker: String, process: AttemptProcess) async throws -> Bool {
        try await write { db in
            let machine = process.machine
            let ticks = process.leaderStartTicks.map { Int64(clamping: $0) }
            let updated = try await db.raw(
                """
                UPDATE attempts SET host = \(bind: machine.host), boot_id = \(bind: machine.bootID),
                    pid_namespace = \(bind: machine.pidNamespace), pid = \(bind: Int(process.pid)),
                    process_group = \(bind: Int(process.processGroup)), leader_start_ticks = \(bind: ticks)
                WHERE run_id = \(bind: key.runID) AND step_id = \(bind: key.stepID) AND attempt = \(bind: key.attempt)
                    AND worker = \(bind: worker)
                RETURNING attempt
                """
            ).all()
            return !updated.isEmpty
        }
    }

    /// Puts running steps matching `condition` back to `ready` (or `failed` when out of attempts).
    private func takeBack(_ condition: SQLQueryString, reason: String, now: Date) async throws -> [TakenBackAttempt] {
        try await write { db in
            let t = now.timeIntervalSince1970
            if dialect == .postgres {
                let runs = try await db.raw("SELECT DISTINCT run_id FROM steps WHERE \(condition)").all().map {
                    try $0.decode(column: "run_id", as: String.self)
                }
                guard !runs.isEmpty else { return [] }
                try await lockRuns(db, runs)
            }
            // Read after the locks: another worker may just have taken the same leases back.
            let rows = try await db.raw("SELECT run_id, step_id, attempt, max_attempts, worker, pool FROM steps WHERE \(condition)").all()
            var releasedPlaces: [String: Int] = [:]
            var keys: [TakenBackAttempt] = []
            var finishedByRun: [String: Int] = [:]
            var readied: Set<StepKey> = []
            for row in rows {
                let key = StepAttemptKey(
                    runID: try row.decode(column: "run_id", as: String.self),
                    stepID: try row.decode(column: "step_id", as: String.self),
                    attempt: try row.decode(column: "attempt", as: Int.self))
                let maxAttempts = try row.decode(column: "max_attempts", as: Int.self)
                let holder = try row.decode(column: "worker", as: String?.self) ?? "?"
                if let pool = try row.decode(column: "pool", as: String?.self) { releasedPlaces[pool, default: 0] += 1 }
                let process = try await db.raw(
                    "SELECT * FROM attempts WHERE run_id = \(bind: key.runID) AND step_id = \(bind: key.stepID) AND attempt = \(bind: key.attempt)"
                )
                .first().flatMap(Self.attemptProcess)
                keys.append(TakenBackAttempt(key: key, worker: holder, process: process))
                try await endAttempt(db, key, outcome: "lease_expired", error: "\(reason) (held by \(holder))", at: t)
                // A crash is recorded as an attempt but does not use up the step's retries, up to
                // `crashAllowance` crashes (a step that kills its worker every time must still end).
                let crashes =
                    try await db.raw(
                        "SELECT COUNT(*) AS n FROM attempts WHERE run_id = \(bind: key.runID) AND step_id = \(bind: key.stepID) AND outcome = 'lease_expired'"
                    ).first()?.decode(column: "n", as: Int.self) ?? 0
                let budget = crashes <= Self.crashAllowance ? maxAttempts + 1 : maxAttempts
                if key.attempt < budget {
                    try await db.raw(
                        "UPDATE steps SET state = \(StepState.ready), worker = NULL, lease_expires_at = NULL, not_before = NULL, max_attempts = \(bind: budget) WHERE run_id = \(bind: key.runID) AND step_id = \(bind: key.stepID)"
                    ).run()
                    readied.insert(StepKey(run: key.runID, step: key.stepID))
                    try await Self.event(
                        db, run: key.runID, step: key.stepID, kind: "lease_expired",
                        message: "\(key.stepID): running → ready (\(reason); attempt \(key.attempt) lost)", at: now)
                } else {
                    let message = "\(reason) on the last attempt (\(key.attempt) of \(maxAttempts))"
                    try await setTerminal(db, key.runID, key.stepID, .failed, error: message, exitStatus: nil, at: t)
                    try await Self.event(
                        db, run: key.runID, step: key.stepID, kind: "lease_expired",
                        message: "\(key.stepID): running → failed (\(message))", at: now)
                    finishedByRun[key.runID, default: 0] +=
                        1 + (try await propagate(db, run: key.runID, from: key.stepID, at: now, readied: &readied))
                }
            }
            for (run, count) in finishedByRun { try await finishSteps(db, run: run, count: count, at: now) }
            try await releasePools(db, releasedPlaces)
            if !readied.isEmpty { try await notifyReady(db) }
            return keys
        }
    }

    public func nextReadyTime(runID: String?) async throws -> Date? {
        try await read { db in
            let runFilter: SQLQueryString = runID.map { "AND run_id = \(bind: $0)" } ?? ""
            return try await db.raw(
                "SELECT MIN(not_before) AS t FROM steps WHERE state = \(StepState.ready) AND not_before IS NOT NULL \(runFilter)"
            )
            .first()?.decode(column: "t", as: Double?.self).map { Date(timeIntervalSince1970: $0) }
        }
    }

    public func cancelRun(id: String, now: Date) async throws {
        try await write { db in
            try await lockRuns(db, [id])
            guard let row = try await db.raw("SELECT state FROM runs WHERE id = \(bind: id)").first() else {
                throw StoreError.notFound("run '\(id)' not found")
            }
            let state = try row.decode(column: "state", as: String.self)
            guard let runState = RunState(rawValue: state), !runState.isFinished else {
                throw StoreError.conflict("run \(id) is already \(state): only queued or running runs can be canceled")
            }
            let t = now.timeIntervalSince1970
            let waiting =
                try await db.raw(
                    "SELECT COUNT(*) AS n FROM steps WHERE run_id = \(bind: id) AND state IN \([.pending, .ready] as [StepState])"
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            try await db.raw(
                "UPDATE steps SET state = \(StepState.canceled), finished_at = \(bind: t), error = 'run canceled' WHERE run_id = \(bind: id) AND state IN \([.pending, .ready] as [StepState])"
            ).run()
            try await db.raw("UPDATE steps SET cancel_requested = 1 WHERE run_id = \(bind: id) AND state = \(StepState.running)").run()
            try await db.raw("UPDATE runs SET state = \(RunState.canceled), error = 'canceled' WHERE id = \(bind: id)").run()
            try await Self.event(db, run: id, step: nil, kind: "run_state", message: "run: \(state) → canceled", at: now)
            try await finishSteps(db, run: id, count: waiting, at: now)
        }
    }

    public func retryRun(id: String, now: Date) async throws {
        try await write { db in
            try await lockRuns(db, [id])
            guard let row = try await db.raw("SELECT state FROM runs WHERE id = \(bind: id)").first() else {
                throw StoreError.notFound("run '\(id)' not found")
            }
            let state = try row.decode(column: "state", as: String.self)
            guard state == RunState.failed.rawValue || state == RunState.canceled.rawValue else {
                throw StoreError.conflict("run \(id) is \(state): only failed or canceled runs can be retried")
            }
            let again = try await db.raw(
                "SELECT step_id FROM steps WHERE run_id = \(bind: id) AND state IN \([.failed, .canceled, .upstreamFailed] as [StepState])"
            ).all()
                .map { try $0.decode(column: "step_id", as: String.self) }
            try await db.raw(
                """
                UPDATE steps SET state = \(StepState.pending), max_attempts = attempt + retry_budget, error = NULL, exit_status = NULL,
                    finished_at = NULL, not_before = NULL, cancel_requested = 0, worker = NULL, lease_expires_at = NULL
                WHERE run_id = \(bind: id) AND state IN \([.failed, .canceled, .upstreamFailed] as [StepState])
                """
            ).run()
            // Those whose upstreams all succeeded can start now.
            for step in again {
                let needs = try await db.raw(
                    "SELECT s.state FROM step_edges e JOIN steps s ON s.run_id = e.run_id AND s.step_id = e.need_id WHERE e.run_id = \(bind: id) AND e.step_id = \(bind: step)"
                ).all()
                    .map { try $0.decode(column: "state", as: String.self) }
                if needs.allSatisfy({ StepState(rawValue: $0)?.isSuccess == true }) {
                    try await db.raw("UPDATE steps SET state = \(StepState.ready) WHERE run_id = \(bind: id) AND step_id = \(bind: step)")
                        .run()
                }
            }
            try await db.raw(
                "UPDATE runs SET state = \(RunState.queued), finished_at = NULL, error = NULL, unfinished_steps = \(bind: again.count) WHERE id = \(bind: id)"
            ).run()
            try await Self.event(
                db, run: id, step: nil, kind: "run_state", message: "run: \(state) → queued (retry of \(again.count) steps)", at: now)
            try await notifyReady(db)
        }
    }

    // MARK: Helpers (inside a transaction)

    private func endAttempt(_ db: any SQLDatabase, _ key: StepAttemptKey, outcome: String, error: String?, at t: Double) async throws {
        try await db.raw(
            "UPDATE attempts SET finished_at = \(bind: t), outcome = \(bind: outcome), error = \(bind: error) WHERE run_id = \(bind: key.runID) AND step_id = \(bind: key.stepID) AND attempt = \(bind: key.attempt)"
        ).run()
    }

    private func setTerminal(
        _ db: any SQLDatabase, _ run: String, _ step: String, _ state: StepState, error: String?, exitStatus: Int?, at t: Double
    ) async throws {
        try await db.raw(
            """
            UPDATE steps SET state = \(bind: state.rawValue), finished_at = \(bind: t), error = \(bind: error), exit_status = \(bind: exitStatus),
                lease_expires_at = NULL, not_before = NULL
            WHERE run_id = \(bind: run) AND step_id = \(bind: step)
            """
        ).run()
    }

    /// Decides the dependents of a finished step whose needs are now all finished; returns how many
    /// steps it finished (skipped / upstream_failed / canceled, transitively).
    private func propagate(
        _ db: any SQLDatabase, run: String, from step: String, at now: Date, readied: inout Set<StepKey>
    ) async throws -> Int {
        var finished = 0
        var queue = [step]
        while let current = queue.popLast() {
            // The pending dependents of `current` with the states of all their needs: one query, not one
            // per dependent. (A correlated aggregate: as a four-way join, PostgreSQL's plan took milliseconds.)
            var dependents: [String] = []
            var needStates: [String: [StepState]] = [:]
            let aggregate = dialect == .postgres ? "string_agg" : "group_concat"
            let pendingDependents: SQLQueryString = """
                SELECT e.step_id AS dependent,
                    (SELECT \(unsafeRaw: aggregate)(n.state, ',') FROM step_edges ne JOIN steps n ON n.run_id = ne.run_id AND n.step_id = ne.need_id
                     WHERE ne.run_id = e.run_id AND ne.step_id = e.step_id) AS need_states
                FROM step_edges e JOIN steps d ON d.run_id = e.run_id AND d.step_id = e.step_id
                WHERE e.run_id = \(bind: run) AND e.need_id = \(bind: current) AND d.state = \(StepState.pending)
                """
            // PostgreSQL: the dependents whose needs all succeeded are readied, with their events, in
            // the same round trip (a chained step's next step is one statement, not two).
            let query = dialect == .postgres ? Self.readyingDependents(pendingDependents, run: run, at: now) : pendingDependents
            for row in try await db.raw(query).all() {
                let dependent = try row.decode(column: "dependent", as: String.self)
                if row.contains(column: "readied"), try row.decode(column: "readied", as: Bool.self) {
                    readied.insert(StepKey(run: run, step: dependent))
                    continue
                }
                dependents.append(dependent)
                let states: String = try row.decode(column: "need_states", as: String?.self) ?? ""
                needStates[dependent] = states.split(separator: ",").compactMap { StepState(rawValue: String($0)) }
            }
            for dependent in dependents {
                let states = needStates[dependent] ?? []
                guard states.allSatisfy(\.isFinished) else { continue }
                let next: StepState
                if states.allSatisfy(\.isSuccess) {
                    next = .ready
                } else if states.contains(where: { $0 == .failed || $0 == .upstreamFailed }) {
                    next = .upstreamFailed
                } else if states.contains(.canceled) {
                    next = .canceled
                } else {
                    next = .skipped
                }
                if next == .ready {
                    try await db.raw(
                        "UPDATE steps SET state = \(StepState.ready) WHERE run_id = \(bind: run) AND step_id = \(bind: dependent)"
                    ).run()
                    readied.insert(StepKey(run: run, step: dependent))
                } else {
                    let reason =
                        next == .skipped
                        ? "an upstream step was skipped" : next == .canceled ? "an upstream step was canceled" : "an upstream step failed"
                    try await setTerminal(db, run, dependent, next, error: reason, exitStatus: nil, at: now.timeIntervalSince1970)
                    finished += 1
                    queue.append(dependent)
                }
                try await Self.event(
                    db, run: run, step: dependent, kind: "step_state", message: "\(dependent): pending → \(next.rawValue)", at: now)
            }
        }
        return finished
    }

    /// `pending` (the pending dependents with their needs' states, as `dependent, need_states`) that
    /// also readies those whose needs all succeeded and logs their events; each row says `readied`.
    private static func readyingDependents(_ pending: SQLQueryString, run: String, at now: Date) -> SQLQueryString {
        let success: [SQLQueryString] = StepState.allCases.filter(\.isSuccess).map { "\(bind: $0.rawValue)" }
        let successList: SQLQueryString = success.joined(separator: ", ")
        let t = now.timeIntervalSince1970
        return """
            WITH deps AS (\(pending)), ready_now AS (
                SELECT dependent FROM deps d
                WHERE NOT EXISTS (
                    SELECT 1 FROM step_edges ne JOIN steps n ON n.run_id = ne.run_id AND n.step_id = ne.need_id
                    WHERE ne.run_id = \(bind: run) AND ne.step_id = d.dependent AND n.state NOT IN (\(successList)))
            ), readied AS (
                UPDATE steps s SET state = \(StepState.ready) FROM ready_now r
                WHERE s.run_id = \(bind: run) AND s.step_id = r.dependent RETURNING s.step_id
            ), logged AS (
                INSERT INTO events (run_id, step_id, at, kind, message)
                SELECT \(bind: run), step_id, \(bind: t), 'step_state', step_id || ': pending → ready' FROM readied
            )
            SELECT d.dependent, d.need_states, EXISTS (SELECT 1 FROM readied r WHERE r.step_id = d.dependent) AS readied FROM deps d
            """
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
    private func lockedRead(_ read: SQLQueryString, runs: [String]) -> SQLQueryString {
        let ids: [SQLQueryString] = Set(runs).sorted().map { "\(bind: $0)" }
        let list: SQLQueryString = ids.joined(separator: ", ")
        let lock: SQLQueryString = "WITH locked AS MATERIALIZED (SELECT id FROM runs WHERE id IN (\(list)) ORDER BY id FOR UPDATE) "
        let gate: SQLQueryString = " AND (SELECT count(*) FROM locked) >= 0 FOR UPDATE OF steps"
        return lock + read + gate
    }

    /// Counts `count` more finished steps; when none is left, the run ends.
    private func finishSteps(_ db: any SQLDatabase, run: String, count: Int, at now: Date) async throws {
        guard count > 0 else { return }
        // RETURNING: the count and the state come back with the update, one round trip.
        guard
            let row = try await db.raw(
                "UPDATE runs SET unfinished_steps = unfinished_steps - \(bind: count) WHERE id = \(bind: run) RETURNING state, unfinished_steps"
            ).first(),
            try row.decode(column: "unfinished_steps", as: Int.self) <= 0
        else { return }
        try await endRun(db, run: run, current: try row.decode(column: "state", as: String.self), at: now)
    }

    /// Ends a run none of whose steps is left unfinished; `current`: its state until now.
    private func endRun(_ db: any SQLDatabase, run: String, current: String, at now: Date) async throws {
        let failed = try await db.raw(
            "SELECT step_id, error FROM steps WHERE run_id = \(bind: run) AND state = \(StepState.failed) ORDER BY position LIMIT 1"
        ).first()
        let final: RunState
        var error: String?
        if current == RunState.canceled.rawValue {
            final = .canceled
            error = "canceled"
        } else if let failed {
            final = .failed
            error =
                "\(try failed.decode(column: "step_id", as: String.self)): \(try failed.decode(column: "error", as: String?.self) ?? "failed")"
        } else if try await db.raw(
            "SELECT COUNT(*) AS n FROM steps WHERE run_id = \(bind: run) AND state IN \([.canceled, .upstreamFailed] as [StepState])"
        ).first()?.decode(column: "n", as: Int.self) ?? 0 > 0 {
            final = .canceled
        } else {
            final = .succeeded
        }
        try await db.raw(
            "UPDATE runs SET state = \(bind: final.rawValue), finished_at = \(bind: now.timeIntervalSince1970), error = \(bind: error) WHERE id = \(bind: run)"
        ).run()
        try await enqueueRunNotifications(db, run: run, state: final, at: now)  // SQLStore+Outbox.swift
        if current != final.rawValue {
            try await Self.event(db, run: run, step: nil, kind: "run_state", message: "run: \(current) → \(final.rawValue)", at: now)
        }
    }
}

/// A step of a run, as a set element.
struct StepKey: Hashable {
    let run: String
    let step: String
}
