import Foundation
import SQLKit

/// Slots, pools and priorities in the store (issue 18; docs/scheduling.md, "Slots, pools and priorities").
///
/// - A claim's `limit` is the claiming worker's free slots; a step takes `cpu` of them.
/// - A pool row holds its limit (`slots`: steps at once across every worker of the store) and
///   `in_use`, the steps of the pool running now. The claim raises `in_use` with
///   `UPDATE … WHERE in_use + n <= slots`, which on PostgreSQL waits for a concurrent claimer's row
///   lock and re-checks the condition against the committed row: two workers can never both take
///   the last place. A count of running steps would not do in one statement: its snapshot is taken
///   before the lock is. The two statements that take a step out of `running` (a completion, a
///   take-back) lower it in the same transaction, so every end (success, failure, timeout,
///   cancel, lease loss) releases its place.
/// - A pool nobody set a limit for is unlimited (submitting warns: `Engine.unlimitedPools`).
/// - Order: `claim_order` = the run's submission time − priority × ``agingSeconds``. Higher priority
///   first, FIFO within a priority, and a waiting step ages: one priority level is worth
///   ``agingSeconds`` of waiting, so a low priority is never starved for longer than that per level.
extension SQLStore {
    /// The waiting time worth one priority level.
    public static let agingSeconds: Double = 60

    static func claimOrder(submittedAt: Date, priority: Int) -> Double {
        submittedAt.timeIntervalSince1970 - Double(priority) * agingSeconds
    }

    /// A ready step the portable claim considers.
    struct ClaimCandidate {
        let run: String
        let step: String
        let cpu: Int
        let pool: String?
    }

    /// The portable claim's choice (SQLite: one writer, so reading the pools and raising `in_use`
    /// in the same transaction is safe): in claim order, the steps that fit in `slots` and in
    /// their pools' room. Raises `in_use` of the pools it takes places in.
    func fitSlotsAndPools(_ db: any SQLDatabase, _ candidates: [ClaimCandidate], slots: Int) async throws -> [ClaimCandidate] {
        var room: [String: Int] = [:]
        if candidates.contains(where: { $0.pool != nil }) {
            for row in try await db.raw("SELECT name, slots, in_use FROM pools").all() {
                room[try row.decode(column: "name", as: String.self)] =
                    try row.decode(column: "slots", as: Int.self) - row.decode(column: "in_use", as: Int.self)
            }
        }
        var free = slots
        var taken: [String: Int] = [:]
        var chosen: [ClaimCandidate] = []
        for candidate in candidates {
            // A step of a full pool is passed over; the first that does not fit the free slots ends
            // the claim (as the PostgreSQL statement's running sum does): smaller steps behind it
            // must not overtake it for ever.
            if let pool = candidate.pool, let left = room[pool] {
                guard left - taken[pool, default: 0] > 0 else { continue }
            }
            guard candidate.cpu <= free else { break }
            if let pool = candidate.pool, room[pool] != nil { taken[pool, default: 0] += 1 }
            free -= candidate.cpu
            chosen.append(candidate)
            if free == 0 { break }
        }
        for (pool, n) in taken.sorted(by: { $0.key < $1.key }) {
            try await db.raw("UPDATE pools SET in_use = in_use + \(bind: n) WHERE name = \(bind: pool)").run()
        }
        return chosen
    }

    /// Gives back the places of steps that left `running` (names sorted: two transactions lock pool rows in one order).
    func releasePools(_ db: any SQLDatabase, _ counts: [String: Int]) async throws {
        for (pool, n) in counts.sorted(by: { $0.key < $1.key }) where n > 0 {
            try await db.raw(
                "UPDATE pools SET in_use = CASE WHEN in_use > \(bind: n) THEN in_use - \(bind: n) ELSE 0 END WHERE name = \(bind: pool)"
            ).run()
        }
    }

    /// ``releasePools(_:_:)`` as one statement, for a PostgreSQL completion's one-statement writes.
    static func poolRelease(_ counts: [String: Int]) -> SQLQueryString {
        let rows: [SQLQueryString] = counts.sorted { $0.key < $1.key }.map { "(\(bind: $0.key), \(bind: $0.value))" }
        let list: SQLQueryString = rows.joined(separator: ", ")
        return "UPDATE pools p SET in_use = GREATEST(p.in_use - g.n, 0) FROM (VALUES \(list)) AS g(name, n) WHERE p.name = g.name"
    }

    // MARK: Pools

    public func setPool(name: String, slots: Int) async throws {
        try await write { db in
            // A new pool starts with the steps of that name already running (they hold places).
            try await db.raw(
                """
                INSERT INTO pools (name, slots, in_use)
                VALUES (\(bind: name), \(bind: slots),
                        (SELECT COUNT(*) FROM steps WHERE state = \(StepState.running) AND pool = \(bind: name)))
                ON CONFLICT (name) DO UPDATE SET slots = excluded.slots
                """
            ).run()
        }
    }

    public func removePool(name: String) async throws -> Bool {
        try await write { db in
            !(try await db.raw("DELETE FROM pools WHERE name = \(bind: name) RETURNING name").all()).isEmpty
        }
    }

    public func pools() async throws -> [PoolRecord] {
        try await read { db in
            // Every pool a limit was set for, and every pool a ready or running step names.
            let limits = try await db.raw("SELECT name, slots, in_use FROM pools").all()
            let use = try await db.raw(
                """
                SELECT pool, SUM(CASE WHEN state = \(StepState.ready) THEN 1 ELSE 0 END) AS ready,
                       SUM(CASE WHEN state = \(StepState.running) THEN 1 ELSE 0 END) AS running
                FROM steps WHERE pool IS NOT NULL AND state IN \([.ready, .running] as [StepState]) GROUP BY pool
                """
            ).all()
            var records: [String: PoolRecord] = [:]
            for row in limits {
                let name = try row.decode(column: "name", as: String.self)
                records[name] = PoolRecord(
                    name: name, slots: try row.decode(column: "slots", as: Int.self),
                    inUse: try row.decode(column: "in_use", as: Int.self), ready: 0, running: 0)
            }
            for row in use {
                let name = try row.decode(column: "pool", as: String.self)
                var record = records[name] ?? PoolRecord(name: name, slots: nil, inUse: 0, ready: 0, running: 0)
                record.ready = try row.decode(column: "ready", as: Int?.self) ?? 0
                record.running = try row.decode(column: "running", as: Int?.self) ?? 0
                records[name] = record
            }
            return records.values.sorted { $0.name < $1.name }
        }
    }
}

extension SQLStore {
    public func runningSteps() async throws -> [StepRunRecord] {
        try await read { db in
            try await db.raw("SELECT * FROM steps WHERE state = \(StepState.running) ORDER BY started_at, run_id, position").all().map(
                Self.step)
        }
    }
}
