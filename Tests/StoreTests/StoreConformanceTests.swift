import Foundation
import Logging
import Store
import TestSupport
import Testing

/// What every store must guarantee, run against SQLite and PostgreSQL alike. "Processes" are
/// separate store instances: separate connections, as separate workers have.
@Suite struct StoreConformanceTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func open(_ url: String) async throws -> SQLStore {
        try await SQLStore.open(url: url, logger: Logger(label: "t"))
    }

    func makeRun(_ store: SQLStore, id: String, steps: [(String, [String])], at t: Double = 0) async throws {
        try await store.createRun(
            RunRecord(
                id: id, workflowName: "w", workflowYAML: "", workflowHash: "", paramsJSON: "{}", inputsJSON: "{}",
                datasetID: nil, trigger: .api, createdAt: Date(timeIntervalSince1970: t)),
            steps: steps.enumerated().map { NewStepRun(stepID: $1.0, position: $0, needs: $1.1, maxAttempts: 1) })
    }

    func succeed(_ step: StepRunRecord, worker: String, now: Date) -> StepCompletion {
        StepCompletion(
            key: StepAttemptKey(runID: step.runID, stepID: step.stepID, attempt: step.attempt), worker: worker,
            outcome: .succeeded(outputs: [:], metrics: [:]), now: now)
    }

    @Test(arguments: TestDatabase.all) func datasetsAreDedupedByContentEvenWhenRegisteredAtOnce(database: TestDatabase) async throws {
        let url = try await database.makeURL(in: folder)
        let a = try await open(url), b = try await open(url)
        let first = DatasetRecord(
            id: "ds-1", path: "/a.csv", sizeBytes: 3, contentHash: "abc", registeredAt: Date(timeIntervalSince1970: 1))
        var renamed = first
        renamed.id = "ds-2"
        renamed.path = "/b.csv"
        async let one = a.registerDataset(first)
        async let two = b.registerDataset(renamed)
        let results = try await [one, two]
        #expect(results.filter(\.created).count == 1)
        #expect(Set(results.map(\.record.id)).count == 1)
        #expect(try await a.datasets(limit: 10).count == 1)
        try await a.close()
        try await b.close()
    }

    @Test(arguments: TestDatabase.all) func runsPageNewestFirst(database: TestDatabase) async throws {
        let store = try await open(try await database.makeURL(in: folder))
        for i in 0..<5 {
            try await store.createRun(
                RunRecord(
                    id: "r\(i)", workflowName: i % 2 == 0 ? "even" : "odd", workflowYAML: "", workflowHash: "",
                    paramsJSON: "{}", inputsJSON: "{}", datasetID: nil, trigger: .api, createdAt: Date(timeIntervalSince1970: Double(i))),
                steps: [NewStepRun(stepID: "s", position: 0, needs: [], maxAttempts: 1)])
        }
        #expect(try await store.runs(RunQuery(limit: 2)).map(\.id) == ["r4", "r3"])
        #expect(try await store.runs(RunQuery(limit: 2, before: "r3")).map(\.id) == ["r2", "r1"])
        #expect(try await store.runs(RunQuery(workflow: "odd")).map(\.id) == ["r3", "r1"])
        // Summaries are the same runs, field for field.
        for query in [RunQuery(limit: 3), RunQuery(limit: 2, before: "r3"), RunQuery(state: .queued, workflow: "even")] {
            #expect(try await store.runSummaries(query) == store.runs(query).map(\.summary))
        }
        #expect(try await store.runCounts() == [.queued: 5])
        try await store.close()
    }

    @Test(arguments: TestDatabase.all) func concurrentClaimersNeverTakeTheSameStep(database: TestDatabase) async throws {
        let url = try await database.makeURL(in: folder)
        let stores = try await [open(url), open(url), open(url), open(url)]
        try await makeRun(stores[0], id: "wide", steps: (0..<400).map { ("s\($0)", []) })
        let now = Date(timeIntervalSince1970: 100)
        let claims = try await withThrowingTaskGroup(of: [StepAttemptKey].self) { group in
            for (i, store) in stores.enumerated() {
                group.addTask {
                    var mine: [StepAttemptKey] = []
                    while true {
                        let batch = try await store.claimReadySteps(worker: "w\(i)", runID: nil, limit: 7, now: now, leaseUntil: now + 60)
                        if batch.isEmpty { return mine }
                        mine += batch.map { StepAttemptKey(runID: $0.runID, stepID: $0.stepID, attempt: $0.attempt) }
                        let accepted = try await store.completeSteps(batch.map { succeed($0, worker: "w\(i)", now: now) })
                        #expect(accepted.allSatisfy { $0 })
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claims.count == 400)
        #expect(Set(claims.map(\.stepID)).count == 400)
        #expect(try await stores[0].run(id: "wide")?.state == .succeeded)
        #expect(try await stores[0].attempts(runID: "wide").count == 400)
        for store in stores { try await store.close() }
    }

    /// Two upstreams finishing at the same moment in two processes: their join must become ready.
    @Test(arguments: TestDatabase.all) func aJoinBecomesReadyWhenItsNeedsFinishAtOnce(database: TestDatabase) async throws {
        let url = try await database.makeURL(in: folder)
        let a = try await open(url), b = try await open(url)
        let now = Date(timeIntervalSince1970: 100)
        for round in 0..<15 {
            let id = "join\(round)"
            try await makeRun(a, id: id, steps: [("left", []), ("right", []), ("join", ["left", "right"])])
            let left = try #require(try await a.claimReadySteps(worker: "a", runID: id, limit: 1, now: now, leaseUntil: now + 60).first)
            let right = try #require(try await b.claimReadySteps(worker: "b", runID: id, limit: 1, now: now, leaseUntil: now + 60).first)
            async let l = a.completeStep(succeed(left, worker: "a", now: now))
            async let r = b.completeStep(succeed(right, worker: "b", now: now))
            #expect(try await [l, r] == [true, true])
            let join = try await a.steps(runID: id).first { $0.stepID == "join" }
            #expect(join?.state == .ready, "round \(round)")
        }
        try await a.close()
        try await b.close()
    }

    @Test(arguments: TestDatabase.all) func anExpiredLeaseIsTakenBackOnceByRacingWorkers(database: TestDatabase) async throws {
        let url = try await database.makeURL(in: folder)
        let a = try await open(url), b = try await open(url)
        try await makeRun(a, id: "r", steps: [("s", [])])
        let start = Date(timeIntervalSince1970: 100)
        let held = try #require(try await a.claimReadyStep(worker: "dead", runID: nil, now: start, leaseUntil: start + 30))
        let later = start + 31
        async let x = a.recoverExpiredLeases(now: later)
        async let y = b.recoverExpiredLeases(now: later)
        let taken = try await x + y
        #expect(taken.map(\.key) == [StepAttemptKey(runID: "r", stepID: "s", attempt: 1)])
        // The dead worker's late completion changes nothing.
        #expect(try await a.completeStep(succeed(held, worker: "dead", now: later)) == false)
        let attempts = try await a.attempts(runID: "r")
        #expect(attempts.map(\.outcome) == ["lease_expired"])
        #expect(try await a.steps(runID: "r").first?.state == .ready)
        try await a.close()
        try await b.close()
    }

    @Test(arguments: TestDatabase.all) func processesStartingTogetherMigrateOnce(database: TestDatabase) async throws {
        let url = try await database.makeURL(in: folder)
        let stores = try await withThrowingTaskGroup(of: SQLStore.self) { group in
            for _ in 0..<4 { group.addTask { try await self.open(url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await makeRun(stores[3], id: "r", steps: [("s", [])])
        #expect(try await stores[0].run(id: "r") != nil)
        for store in stores { try await store.close() }
    }

    @Test(arguments: TestDatabase.all) func idleWorkersAreWokenByAnotherProcess(database: TestDatabase) async throws {
        guard database == .postgres else { return }  // SQLite workers poll: there is no channel between processes.
        let url = try await database.makeURL(in: folder)
        let listener = try await open(url), submitter = try await open(url)
        let wakeups = listener.readyNotifications()
        let woke = try await withDeadline(30) {
            var iterator = wakeups.makeAsyncIterator()
            _ = await iterator.next()  // the first yield says: listening (anything before may be missed)
            try await self.makeRun(submitter, id: "r", steps: [("s", [])])
            return await iterator.next() != nil
        }
        #expect(woke)
        try await listener.close()
        try await submitter.close()
    }
}

/// Runs `body`, failing the test instead of hanging when it takes longer than `seconds`.
func withDeadline<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TestDatabaseError("timed out after \(seconds) s")
        }
        let result = try await group.next()!
        group.cancelAll()
        return result
    }
}
