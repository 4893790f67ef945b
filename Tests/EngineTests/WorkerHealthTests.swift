import Engine
import Foundation
import SQLKit
@testable import Store
import TestSupport
import Testing

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
        let worker = Worker(engine: h.engine, options: .init(name: name, concurrency: 2, leaseDuration: .seconds(120),
                                                                heartbeatInterval: .seconds(10), pollInterval: .seconds(2), runID: run.id))
        let task = Task { try await worker.run() }
        defer { task.cancel() }

        try await until("the completion's write is held") { Failpoints.waiting(at: hold) == 1 }
        let heldSince = h.clock.now()
        // Other calls begun at the same instant (the idle loop's) return; the held one stays.
        try await until("the held call is the oldest") {
            await worker.storeCallHealth.oldest == WorkerStoreCall(call: "complete steps", startedAt: heldSince)
        }

        for beat in 1...2 {
            h.clock.advance(by: .seconds(10))
            let row = try await heartbeat(of: name, after: heldSince.addingTimeInterval(Double(beat * 10) - 1), in: h)
            let call = try #require(row.oldestCall, "heartbeat \(beat) wrote no oldest call")
            #expect(call.call == "complete steps" && call.startedAt == heldSince)
            // The age a reader computes: its now minus the call's start, 10 s more at each heartbeat.
            #expect(h.clock.now().timeIntervalSince(call.startedAt) == Double(beat * 10))
            #expect(row.stepsHeld == 1 && row.concurrency == 2 && row.lastError == nil)
        }

        Failpoints.release(hold)
        try await until("the run has finished") { try await h.store.run(id: run.id)?.state == .succeeded }
        #expect(await worker.storeCallHealth.oldest == nil)
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
        let worker = Worker(engine: h.engine, options: .init(name: name, concurrency: 2, leaseDuration: .seconds(30),
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

    /// Polls `condition` every 5 ms for up to 20 s of real time (the worker runs on real threads).
    private func until(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw TestDatabaseError("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
