import Foundation
import SQLKit

/// What a finished step does to the rest of its run, inside the transaction that finished it:
/// its attempt ended, its dependents decided (ready, or skipped / upstream_failed / canceled), and the
/// run counted down and ended.
extension SQLStore {
    // MARK: Helpers (inside a transaction)

    func endAttempt(_ db: any SQLDatabase, _ key: StepAttemptKey, outcome: String, error: String?, at t: Double) async throws {
        try await db.raw(
            "UPDATE attempts SET finished_at = \(bind: t), outcome = \(bind: outcome), error = \(bind: error) WHERE run_id = \(bind: key.runID) AND step_id = \(bind: key.stepID) AND attempt = \(bind: key.attempt)"
        ).run()
    }

    func setTerminal(
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
    func propagate(
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
    static func readyingDependents(_ pending: SQLQueryString, run: String, at now: Date) -> SQLQueryString {
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

    /// Counts `count` more finished steps; when none is left, the run ends.
    func finishSteps(_ db: any SQLDatabase, run: String, count: Int, at now: Date) async throws {
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
    func endRun(_ db: any SQLDatabase, run: String, current: String, at now: Date) async throws {
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
