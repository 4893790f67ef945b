import Foundation
import Store
import TestSupport
import Testing

/// Where attempts' programs and workers run: recorded, read back, and handed to whoever takes a
/// step back — on SQLite and PostgreSQL alike.
extension StoreConformanceTests {
    static let here = Machine(host: "node-1", bootID: "6f1c0d9e-0d1b-4a44-9d7e-5b0f6c1d2e3f", pidNamespace: "pid:[4026531836]")

    @Test(arguments: TestDatabase.all) func anAttemptRecordsItsProgramsPidGroupHostAndBoot(database: TestDatabase) async throws {
        let store = try await open(try await database.makeURL(in: folder))
        try await makeRun(store, id: "r", steps: [("s", [])])
        let now = Date(timeIntervalSince1970: 100)
        let held = try #require(try await store.claimReadyStep(worker: "w1", runID: nil, now: now, leaseUntil: now + 30))
        let key = StepAttemptKey(runID: "r", stepID: "s", attempt: held.attempt)
        #expect(try await store.attempts(runID: "r").first?.process == nil, "nothing until the program starts")

        let process = AttemptProcess(machine: Self.here, pid: 4_000_001, processGroup: 4_000_000, leaderStartTicks: 9_876_543_210)
        #expect(try await store.recordAttemptProcess(key, worker: "w1", process: process))
        #expect(try await store.attempts(runID: "r").first?.process == process)
        // Only the worker that started the attempt records for it.
        var other = process
        other.pid = 7
        #expect(try await store.recordAttemptProcess(key, worker: "w2", process: other) == false)
        #expect(
            try await store.recordAttemptProcess(StepAttemptKey(runID: "r", stepID: "s", attempt: 9), worker: "w1", process: other) == false
        )
        #expect(try await store.attempts(runID: "r").first?.process == process)

        // Taking the step back hands over what the attempt started, to stop it.
        let taken = try await store.releaseLeases(worker: "w1", now: now + 1)
        #expect(taken == [TakenBackAttempt(key: key, worker: "w1", process: process)])
        #expect(try await store.attempts(runID: "r").first?.process == process, "the record stays with the attempt")
        try await store.close()
    }

    @Test(arguments: TestDatabase.all) func anExpiredLeaseHandsOverTheProgramItStarted(database: TestDatabase) async throws {
        let store = try await open(try await database.makeURL(in: folder))
        try await makeRun(store, id: "r", steps: [("a", []), ("b", [])])
        let now = Date(timeIntervalSince1970: 100)
        let claimed = try await store.claimReadySteps(worker: "w1", runID: nil, limit: 2, now: now, leaseUntil: now + 30)
        #expect(claimed.count == 2)
        let process = AttemptProcess(machine: Self.here, pid: 12, processGroup: 11, leaderStartTicks: nil)
        #expect(try await store.recordAttemptProcess(StepAttemptKey(runID: "r", stepID: "a", attempt: 1), worker: "w1", process: process))
        let taken = try await store.recoverExpiredLeases(now: now + 31).sorted { $0.key.stepID < $1.key.stepID }
        #expect(taken.map(\.key.stepID) == ["a", "b"])
        #expect(taken.map(\.process) == [process, nil], "b started no program")
        #expect(taken.map(\.worker) == ["w1", "w1"])
        try await store.close()
    }

    @Test(arguments: TestDatabase.all) func aWorkerRecordsItsProcessAndARestartUnderTheSameNameReplacesIt(
        database: TestDatabase
    ) async throws {
        let store = try await open(try await database.makeURL(in: folder))
        let first = WorkerRecord(
            name: "gpu", host: "node-1", startedAt: Date(timeIntervalSince1970: 1), lastHeartbeat: Date(timeIntervalSince1970: 2),
            stepsHeld: 1, process: WorkerProcess(machine: Self.here, pid: 321))
        try await store.heartbeatWorker(first)
        #expect(try await store.workers(since: .distantPast) == [first])

        var restarted = first
        restarted.process = WorkerProcess(machine: Machine(host: "node-1", bootID: "another boot", pidNamespace: "pid:[1]"), pid: 1)
        restarted.startedAt = Date(timeIntervalSince1970: 50)
        restarted.lastHeartbeat = Date(timeIntervalSince1970: 51)
        try await store.heartbeatWorker(restarted)
        #expect(try await store.workers(since: .distantPast) == [restarted])

        // A worker that records no process (as flowrun did before) reads back without one.
        let old = WorkerRecord(
            name: "old", host: "node-2", startedAt: Date(timeIntervalSince1970: 1), lastHeartbeat: Date(timeIntervalSince1970: 2),
            stepsHeld: 0)
        try await store.heartbeatWorker(old)
        #expect(try await store.workers(since: .distantPast).first { $0.name == "old" }?.process == nil)
        try await store.close()
    }
}
