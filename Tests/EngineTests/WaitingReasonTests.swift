import Engine
import Foundation
import Store
import TestSupport
import Testing

/// "Why is it waiting?": each reason a ready step can have, from a real store's state, on SQLite and
/// PostgreSQL, with the harness's manual clock as now.
@Suite struct WaitingReasonTests {
    func makeRun(_ h: Harness, _ id: String, steps: [(String, cpu: Int, pool: String?)]) async throws {
        try await h.store.createRun(
            RunRecord(
                id: id, workflowName: "w", workflowYAML: "", workflowHash: "", paramsJSON: "{}", inputsJSON: "{}",
                datasetID: nil, trigger: .api, createdAt: h.clock.now()),
            steps: steps.enumerated().map { NewStepRun(stepID: $1.0, position: $0, needs: [], maxAttempts: 3, cpu: $1.cpu, pool: $1.pool) })
    }

    func alive(_ h: Harness, _ name: String, slots: Int) async throws {
        try await h.store.heartbeatWorker(
            WorkerRecord(
                name: name, host: "h", startedAt: h.clock.now(), lastHeartbeat: h.clock.now(),
                stepsHeld: 0, concurrency: slots))
    }

    func claim(_ h: Harness, _ worker: String, limit: Int) async throws -> [StepRunRecord] {
        let now = h.clock.now()
        return try await h.store.claimReadySteps(worker: worker, runID: nil, limit: limit, now: now, leaseUntil: now + 30)
    }

    @Test(arguments: TestDatabase.all) func noLiveWorker(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try await makeRun(h, "r", steps: [("a", 1, nil)])
        // A worker whose last heartbeat is two minutes old is not live.
        try await alive(h, "gone", slots: 8)
        h.clock.advance(by: .seconds(120))
        #expect(
            try await h.engine.waitingReasons(runID: "r")["a"]?.description
                == "no live worker (start one: flowrun worker, or flowrun serve)")
    }

    @Test(arguments: TestDatabase.all) func retryBackoff(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try await alive(h, "w1", slots: 8)
        try await makeRun(h, "r", steps: [("a", 1, nil)])
        let held = try #require(try await claim(h, "w1", limit: 8).first)
        let retryAt = h.clock.now().addingTimeInterval(90)
        _ = try await h.store.completeSteps([
            StepCompletion(
                key: StepAttemptKey(runID: "r", stepID: "a", attempt: held.attempt), worker: "w1",
                outcome: .failed(error: "boom", exitStatus: 1, retryAt: retryAt), now: h.clock.now())
        ])
        let reason = try #require(try await h.engine.waitingReasons(runID: "r")["a"])
        #expect(reason == .retryBackoff(until: retryAt))
        // 1_800_000_000 + 90 s is 08:01:30 UTC.
        #expect(reason.description == "not before 08:01:30 UTC (retry backoff)")
        h.clock.advance(by: .seconds(91))
        try await alive(h, "w1", slots: 8)
        #expect(try await h.engine.waitingReasons(runID: "r")["a"] == .next)
    }

    @Test(arguments: TestDatabase.all) func fullPoolNamesWhoHoldsIt(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try await alive(h, "w1", slots: 8)
        try await h.engine.setPool(name: "gpu", slots: 2)
        try await makeRun(h, "r", steps: [("a", 1, "gpu"), ("b", 1, "gpu"), ("c", 1, "gpu"), ("d", 1, nil)])
        #expect(try await claim(h, "w1", limit: 2).map(\.stepID) == ["a", "b"])
        let reasons = try await h.engine.waitingReasons(runID: "r")
        #expect(reasons["c"]?.description == "waiting for pool gpu (2/2 in use by run r step a, run r step b)")
        #expect(reasons["d"] == .next)
        #expect(reasons["a"] == nil)  // running: no waiting reason
    }

    @Test(arguments: TestDatabase.all) func fullWorkers(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try await alive(h, "w1", slots: 4)
        try await alive(h, "w2", slots: 4)
        try await makeRun(h, "r", steps: [("a", 3, nil), ("b", 3, nil), ("c", 2, nil)])
        #expect(try await claim(h, "w1", limit: 4).map(\.stepID) == ["a"])
        #expect(try await claim(h, "w2", limit: 4).map(\.stepID) == ["b"])
        // One slot free on each worker; c needs two.
        #expect(try await h.engine.waitingReasons(runID: "r")["c"]?.description == "waiting for slots (6/8 in use; it needs 2)")
    }
}
