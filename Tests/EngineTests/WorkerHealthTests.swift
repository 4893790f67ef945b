import Engine
import Foundation
import SQLKit
import TestSupport
import Testing

@testable import Store

/// A worker writes its health with its heartbeat — its oldest unfinished store call and its last
/// store error — so `/api/health` can show a stuck worker on any machine. On a real store (SQLite
/// file, PostgreSQL under scripts/with-postgres), on the manual clock.
@Suite struct WorkerHealthTests {
    static let oneStep = """
        name: one
        version: 1
        steps:
          only:
            uses: noop
        """

    @Test(arguments: TestDatabase.all) func aHeldStoreCallShowsAnOldestCallAgeThatGrowsWithTheClock(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write("one", Self.oneStep)
        let run = try await h.engine.submit(SubmitRequest(workflow: "one", trigger: .cli))
        let name = "held-\(database)"
        // The completion's write does not return until released: a call stuck in the network.
        let hold = "\(name): complete steps"
        Failpoints.hold(hold)
        defer { Failpoints.release(hold) }
        let worker = Worker(
            engine: h.engine,
            options: .init(
                name: name, concurrency: 2, leaseDuration: .seconds(120),
                heartbeatInterval: .seconds(10), pollInterval: .seconds(2), runID: run.id))
        let task = Task { try await worker.run() }
        defer { task.cancel() }

        try await until("the completion's write is held") { Failpoints.waiting(at: hold) == 1 }
        let heldSince = h.clock.now()
        // Other calls begun at the same instant (the idle loop's) return; the held one stays.
        try await until("the held call is the oldest") {
            await worker.storeCallHealth.oldest == WorkerStoreCall(call: "complete steps", startedAt: heldSince)
        }

        // The clock moves a second at a time (the heartbeat loop may be between its write and its
        // next sleep when the clock moves): each heartbeat, every 10 s, writes the same call, older.
        var lastBeat = heldSince
        var ages: [Double] = []
        for beat in 1...2 {
            var row: WorkerRecord?
            try await until("heartbeat \(beat) of \(name)") {
                h.clock.advance(by: .seconds(1))
                row = try await h.engine.workers(since: lastBeat).first { $0.name == name }
                return row != nil
            }
            let written = try #require(row)
            let call = try #require(written.oldestCall, "heartbeat \(beat) wrote no oldest call")
            #expect(call.call == "complete steps" && call.startedAt == heldSince)
            #expect(written.lastHeartbeat.timeIntervalSince(call.startedAt) >= Double(beat * 10))
            #expect(written.stepsHeld == 1 && written.concurrency == 2 && written.lastError == nil)
            // The age a reader computes: its now minus the call's start.
            ages.append(h.clock.now().timeIntervalSince(call.startedAt))
            lastBeat = written.lastHeartbeat
        }
        #expect(ages[0] >= 10 && ages[1] >= 20 && ages[1] > ages[0], "\(ages)")

        Failpoints.release(hold)
        try await until("the run has finished") { try await h.store.run(id: run.id)?.state == .succeeded }
        // The held call has returned: whatever is in flight now (the loop goes on) began later.
        try await until("the held call is no longer in flight") {
            await worker.storeCallHealth.oldest.map { $0.startedAt > heldSince } ?? true
        }
        task.cancel()
        _ = try? await task.value
    }

    @Test(arguments: TestDatabase.all) func aStoreErrorShowsAsTheWorkersLastError(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write("one", Self.oneStep)
        let run = try await h.engine.submit(SubmitRequest(workflow: "one", trigger: .cli))
        let sql = try #require(h.store as? SQLStore)
        // A real failure of the database: claiming writes an attempt, and its table is gone.
        try await sql.write { db in try await db.raw("ALTER TABLE attempts RENAME TO attempts_away").run() }
        let name = "failing-\(database)"
        let worker = Worker(
            engine: h.engine,
            options: .init(
                name: name, concurrency: 2, leaseDuration: .seconds(30),
                heartbeatInterval: .seconds(10), pollInterval: .seconds(2), runID: run.id))
        let task = Task { try await worker.run() }
        defer { task.cancel() }

        let start = h.clock.now()
        var row: WorkerRecord?
        try await until("the heartbeat has written the claim's error") {
            if h.clock.sleeperCount > 0 { h.clock.advance(by: .seconds(1)) }
            row = try await h.engine.workers(since: .distantPast).first { $0.name == name }
            return row?.lastError != nil
        }
        let error = try #require(row?.lastError)
        #expect(error.message.hasPrefix("claim steps: "))
        #expect(error.message.contains("attempts"), "\(error.message)")
        #expect(error.at >= start && error.at <= h.clock.now())

        // The database heals, so does the worker: the step runs.
        try await sql.write { db in try await db.raw("ALTER TABLE attempts_away RENAME TO attempts").run() }
        try await until("the run has finished") {
            if h.clock.sleeperCount > 0 { h.clock.advance(by: .seconds(1)) }
            return try await h.store.run(id: run.id)?.state == .succeeded
        }
        task.cancel()
        _ = try? await task.value
    }

    /// The worker's row once its heartbeat is later than `after`.
    private func heartbeat(of name: String, after: Date, in h: Harness) async throws -> WorkerRecord {
        var found: WorkerRecord?
        try await until("\(name)'s heartbeat after \(after)") {
            found = try await h.engine.workers(since: after).first { $0.name == name }
            return found != nil
        }
        return found!
    }

    /// Polls `condition` every 5 ms for up to 120 s of real time (the worker runs on real threads).
    /// Alone this takes milliseconds; the whole suite starts some 300 tests at once on two cores, and
    /// a worker's first claim then waited over 20 s.
    private func until(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw TestDatabaseError("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
