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
    func claimReadyStepsInOneStatement(
        worker: String, runID: String?, limit: Int, now: Date, leaseUntil: Date
    ) async throws -> [StepRunRecord] {
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
        // Which steps: in claim order, within the worker's free slots (`limit`) and their pools' room
        // (SQLStore+Pools.swift). `granted` raises each pool's `in_use` only if it still fits once
        // any other claimer's lock on the row is gone; a pool that does not grant takes no step.
        let candidates: SQLQueryString = """
            WITH candidates AS (
                SELECT run_id, step_id, cpu, pool, claim_order, position FROM steps
                WHERE state = \(StepState.ready) AND (not_before IS NULL OR not_before <= \(bind: t)) AND cpu <= \(bind: limit) \(runFilter)
                    AND (pool IS NULL OR NOT EXISTS (SELECT 1 FROM pools q WHERE q.name = steps.pool AND q.in_use >= q.slots))
                ORDER BY claim_order, run_id, position LIMIT \(literal: limit) FOR UPDATE SKIP LOCKED
            ), pool_fit AS (
                SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.pool ORDER BY c.claim_order, c.run_id, c.position) AS nth,
                    q.slots - q.in_use AS room
                FROM candidates c LEFT JOIN pools q ON q.name = c.pool
            ), slot_fit AS (
                SELECT *, SUM(cpu) OVER (ORDER BY claim_order, run_id, position ROWS UNBOUNDED PRECEDING) AS taken
                FROM pool_fit WHERE room IS NULL OR nth <= room
            ), fits AS (
                SELECT run_id, step_id, pool FROM slot_fit WHERE taken <= \(bind: limit)
            ), wanted AS (
                SELECT pool, COUNT(*) AS n FROM fits WHERE pool IS NOT NULL GROUP BY pool
            ), granted AS (
                UPDATE pools q SET in_use = q.in_use + w.n FROM wanted w
                WHERE q.name = w.pool AND q.in_use + w.n <= q.slots RETURNING q.name
            ), picked AS (
                SELECT run_id, step_id FROM fits f
                WHERE f.pool IS NULL OR f.pool IN (SELECT name FROM granted)
                    OR NOT EXISTS (SELECT 1 FROM pools q WHERE q.name = f.pool)
            """
        let writes: SQLQueryString = """
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
            """
        return try await db.raw(candidates + writes).all().map(Self.step).sorted { ($0.runID, $0.position) < ($1.runID, $1.position) }
    }
}
