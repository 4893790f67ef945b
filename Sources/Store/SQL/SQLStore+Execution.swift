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
            // The run's SLA and those of the steps that run again are armed again: the run's from now,
            // a step's from its next start (docs/scheduling.md).
            let retried: [SQLQueryString] = again.map { "\(bind: $0)" }
            let stepList: SQLQueryString = retried.isEmpty ? "''" : retried.joined(separator: ", ")
            try await db.raw(
                """
                UPDATE run_slas SET notified_at = NULL, since = \(bind: now.timeIntervalSince1970)
                WHERE run_id = \(bind: id) AND (step_id = '' OR step_id IN (\(stepList)))
                """
            ).run()
            try await Self.event(
                db, run: id, step: nil, kind: "run_state", message: "run: \(state) → queued (retry of \(again.count) steps)", at: now)
            try await notifyReady(db)
        }
    }

}

/// A step of a run, as a set element.
struct StepKey: Hashable {
    let run: String
    let step: String
}
