import Foundation
import SQLKit

/// Claiming on PostgreSQL in one statement.
///
/// The portable claim (``SQLStore/claimReadySteps(worker:runID:limit:now:leaseUntil:)``) is seven
/// round trips: `BEGIN`, pick, update, attempts, the run's state, events, `COMMIT`. On PostgreSQL
/// every round trip is a wake-up of this process and of the server, and the claim sits on the path
/// of every chained step; data-modifying CTEs do the same work in one statement that commits on its
/// own. Same rules as the portable claim: ready rows picked with `FOR UPDATE SKIP LOCKED` (two
/// claimers never wait for each other nor take the same step), an attempt row and an event per
/// step, and the run moved to `running` only when it is `queued` — the `WHERE r.state = 'queued'`
/// is checked before the row is locked, so a claim never waits for another worker's completion
/// holding that run's lock.
extension SQLStore {
    func claimReadyStepsInOneStatement(worker: String, runID: String?, limit: Int, now: Date, leaseUntil: Date) async throws -> [StepRunRecord] {
        let request = ClaimRequest(worker: worker, runID: runID, limit: limit, now: now, leaseUntil: leaseUntil)
        do {
            return try await backend.statement { db in try await claimStatement(db, request) }
        } catch {
            throw mapError(error)
        }
    }

    /// The claim statement, on its own or inside a completion's transaction.
    func claimStatement(_ db: any SQLDatabase, _ request: ClaimRequest) async throws -> [StepRunRecord] {
        let (worker, limit, leaseUntil) = (request.worker, request.limit, request.leaseUntil)
        let t = request.now.timeIntervalSince1970
        let runFilter: SQLQueryString = request.runID.map { "AND run_id = \(bind: $0)" } ?? ""
        return try await db.raw("""
            WITH picked AS (
                SELECT run_id, step_id FROM steps
                WHERE state = \(StepState.ready) AND (not_before IS NULL OR not_before <= \(bind: t)) \(runFilter)
                ORDER BY run_id, position LIMIT \(literal: limit) FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE steps s SET state = \(StepState.running), attempt = s.attempt + 1, worker = \(bind: worker),
                    lease_expires_at = \(bind: leaseUntil.timeIntervalSince1970), started_at = \(bind: t),
                    finished_at = NULL, not_before = NULL, cancel_requested = 0
                FROM picked p WHERE s.run_id = p.run_id AND s.step_id = p.step_id
                RETURNING s.*
            ), attempts_added AS (
                INSERT INTO attempts (run_id, step_id, attempt, worker, started_at)
                SELECT run_id, step_id, attempt, \(bind: worker), \(bind: t) FROM claimed
            ), started AS (
                UPDATE runs r SET state = \(RunState.running), started_at = COALESCE(r.started_at, \(bind: t))
                WHERE r.id IN (SELECT run_id FROM claimed) AND r.state = \(RunState.queued)
                RETURNING r.id
            ), events_added AS (
                INSERT INTO events (run_id, step_id, at, kind, message)
                SELECT run_id, step_id, \(bind: t), 'step_state',
                    step_id || ': ready → running (attempt ' || attempt || ' of ' || max_attempts || ', ' || \(bind: worker)::text || ')'
                FROM claimed
                UNION ALL
                SELECT id, NULL, \(bind: t), 'run_state', 'run: queued → running' FROM started
            )
            SELECT * FROM claimed
            """).all().map(Self.step).sorted { ($0.runID, $0.position) < ($1.runID, $1.position) }
    }
}
