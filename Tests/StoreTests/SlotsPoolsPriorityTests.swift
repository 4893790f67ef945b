import Foundation
import Logging
import Store
import TestSupport
import Testing

/// Issue 18's claim rules, on SQLite and PostgreSQL: a claim fills the worker's free slots with
/// steps' `cpu`, never over-subscribes a pool (across separate connections, as separate workers
/// are), gives a pool's place back on every way a step leaves `running`, and takes higher priority
/// first, FIFO within a priority, with a waiting step ageing past newer higher-priority ones.
@Suite struct SlotsPoolsPriorityTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("slots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func open(_ url: String) async throws -> SQLStore {
        try await SQLStore.open(url: url, logger: Logger(label: "t"))
    }

    func makeRun(
        _ store: SQLStore, id: String, at t: Double = 0, priority: Int = 0,
        steps: [(id: String, cpu: Int, pool: String?)], maxAttempts: Int = 1
    ) async throws {
        try await store.createRun(
            RunRecord(
                id: id, workflowName: "w", workflowYAML: "", workflowHash: "", paramsJSON: "{}", inputsJSON: "{}",
                datasetID: nil, trigger: .api, createdAt: Date(timeIntervalSince1970: t), priority: priority),
            steps: steps.enumerated().map {
                NewStepRun(stepID: $1.id, position: $0, needs: [], maxAttempts: maxAttempts, cpu: $1.cpu, pool: $1.pool)
            })
    }

    func claim(_ store: SQLStore, _ worker: String = "w", limit: Int, at t: Double = 100) async throws -> [StepRunRecord] {
        let now = Date(timeIntervalSince1970: t)
        return try await store.claimReadySteps(worker: worker, runID: nil, limit: limit, now: now, leaseUntil: now + 30)
    }

    func end(_ step: StepRunRecord, _ outcome: StepCompletion.Outcome, worker: String = "w", at t: Double = 101) -> StepCompletion {
        StepCompletion(
            key: StepAttemptKey(runID: step.runID, stepID: step.stepID, attempt: step.attempt), worker: worker,
            outcome: outcome, now: Date(timeIntervalSince1970: t))
    }

    func inUse(_ store: SQLStore, _ pool: String) async throws -> Int? {
        try await store.pools().first { $0.name == pool }?.inUse
    }

    // MARK: Slots

    @Test(arguments: TestDatabase.all) func aClaimFillsTheFreeSlotsWithTheStepsCPU(database: TestDatabase) async throws {
        let store = try await open(try await database.makeURL(in: folder))
        try await makeRun(store, id: "r", steps: [("big", 3, nil), ("mid", 2, nil), ("a", 1, nil), ("b", 1, nil)])
        // 4 free: big (3) fits, mid (2) does not, and nothing overtakes it.
        let first = try await claim(store, limit: 4)
        #expect(first.map(\.stepID) == ["big"])
        #expect(first.map(\.cpu) == [3])
        // 1 free: mid cannot fit at all, so the one-slot steps go.
        #expect(try await claim(store, limit: 1).map(\.stepID) == ["a"])
        #expect(try await claim(store, limit: 2).map(\.stepID) == ["mid"])
        #expect(try await claim(store, limit: 8).map(\.stepID) == ["b"])
        try await store.close()
    }

    // MARK: Pools

    @Test(arguments: TestDatabase.all) func fourConnectionsClaimingAtOnceNeverOversubscribeAPool(database: TestDatabase) async throws {
        let url = try await database.makeURL(in: folder)
        let stores = try await [open(url), open(url), open(url), open(url)]
        try await stores[0].setPool(name: "gpu", slots: 2)
        try await makeRun(stores[0], id: "r", steps: (0..<40).map { ("g\($0)", 1, "gpu") } + (0..<8).map { ("free\($0)", 1, nil) })
        for round in 0..<5 {
            let claimed = try await withThrowingTaskGroup(of: [StepRunRecord].self) { group in
                for (i, store) in stores.enumerated() {
                    group.addTask { try await claim(store, "w\(i)", limit: 5, at: 100 + Double(round)) }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let running = try await stores[0].steps(runID: "r").filter { $0.state == .running && $0.pool == "gpu" }
            #expect(running.count <= 2, "round \(round): \(running.map(\.stepID))")
            #expect(try await inUse(stores[0], "gpu") == running.count)
            // Free the pool for the next round: every claimed gpu step succeeds.
            let done = claimed.filter { $0.pool == "gpu" }.map { step in
                end(step, .succeeded(outputs: [:], metrics: [:]), worker: step.worker ?? "", at: 100.5 + Double(round))
            }
            #expect(try await stores[0].completeSteps(done).allSatisfy { $0 })
            #expect(try await inUse(stores[0], "gpu") == 0)
        }
        for store in stores { try await store.close() }
    }

    @Test(arguments: TestDatabase.all) func aPoolWithoutALimitIsUnlimitedAndListed(database: TestDatabase) async throws {
        let store = try await open(try await database.makeURL(in: folder))
        try await makeRun(store, id: "r", steps: (0..<5).map { ("s\($0)", 1, "disk") })
        #expect(try await claim(store, limit: 5).count == 5)
        let pools = try await store.pools()
        #expect(pools == [PoolRecord(name: "disk", slots: nil, inUse: 0, ready: 0, running: 5)])
        // A limit set while steps run counts them at once.
        try await store.setPool(name: "disk", slots: 3)
        #expect(try await inUse(store, "disk") == 5)
        #expect(try await store.removePool(name: "disk"))
        #expect(!(try await store.removePool(name: "disk")))
        try await store.close()
    }

    enum End: String, CaseIterable, CustomStringConvertible {
        case success, failureRetried, failure, timeout, cancel, skipped, leaseExpired, workerGone
        var description: String { rawValue }
    }

    @Test(arguments: TestDatabase.all, End.allCases) func everyEndOfAStepGivesItsPoolPlaceBack(
        database: TestDatabase, how: End
    ) async throws {
        let store = try await open(try await database.makeURL(in: folder))
        try await store.setPool(name: "gpu", slots: 1)
        try await makeRun(store, id: "r", steps: [("a", 1, "gpu"), ("b", 1, "gpu")], maxAttempts: how == .failureRetried ? 2 : 1)
        let held = try await claim(store, limit: 4)
        #expect(held.map(\.stepID) == ["a"])
        #expect(try await claim(store, "other", limit: 4).isEmpty)
        let step = held[0]
        switch how {
        case .success: _ = try await store.completeSteps([end(step, .succeeded(outputs: [:], metrics: [:]))])
        case .failureRetried:
            _ = try await store.completeSteps([end(step, .failed(error: "boom", exitStatus: 1, retryAt: Date(timeIntervalSince1970: 500)))])
        case .failure: _ = try await store.completeSteps([end(step, .failed(error: "boom", exitStatus: 1, retryAt: nil))])
        case .timeout: _ = try await store.completeSteps([end(step, .failed(error: "timed out after 1s", exitStatus: nil, retryAt: nil))])
        case .cancel:
            try await store.cancelRun(id: "r", now: Date(timeIntervalSince1970: 101))
            #expect(try await inUse(store, "gpu") == 1)  // still running until its worker stops it
            _ = try await store.completeSteps([end(step, .canceled(reason: "run canceled"))])
        case .skipped: _ = try await store.completeSteps([end(step, .skipped(reason: "if: false"))])
        case .leaseExpired: #expect(try await store.recoverExpiredLeases(now: Date(timeIntervalSince1970: 200)).count == 1)
        case .workerGone: #expect(try await store.releaseLeases(worker: "w", now: Date(timeIntervalSince1970: 101)).count == 1)
        }
        #expect(try await inUse(store, "gpu") == 0)
        if how != .cancel {
            // The place is free again: the next claim takes a gpu step (b, or a again when it was put back).
            let next = try await claim(store, "other", limit: 4, at: 150)
            #expect(next.count == 1)
            #expect(try await inUse(store, "gpu") == 1)
        }
        try await store.close()
    }

    // MARK: Priorities

    @Test(arguments: TestDatabase.all) func higherPriorityFirstFIFOWithinAndWaitingAges(database: TestDatabase) async throws {
        let store = try await open(try await database.makeURL(in: folder))
        let aging = SQLStore.agingSeconds
        try await makeRun(store, id: "old-low", at: 0, priority: 0, steps: [("s", 1, nil)])
        try await makeRun(store, id: "new-low", at: 10, priority: 0, steps: [("s", 1, nil)])
        // Submitted half an aging period later with one level more: goes first.
        try await makeRun(store, id: "high", at: aging / 2, priority: 1, steps: [("s", 1, nil)])
        // One level more but submitted two aging periods after old-low: old-low has waited long enough.
        try await makeRun(store, id: "late-high", at: 2 * aging, priority: 1, steps: [("s", 1, nil)])
        var order: [String] = []
        for _ in 0..<4 { order += try await claim(store, limit: 1, at: 1_000).map(\.runID) }
        #expect(order == ["high", "old-low", "new-low", "late-high"])
        try await store.close()
    }
}
