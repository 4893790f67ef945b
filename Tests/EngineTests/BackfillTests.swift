import Engine
import FlowSpec
import Foundation
import Store
import TestSupport
import Testing

/// Backfill groups on a real store: one run per matching dataset, at most `max_parallel`
/// unfinished at once (held back in the group, not in the claim), pause, resume, cancel the rest.
@Suite struct BackfillTests {
    static let workflow = """
        name: per-exam
        version: 1
        params:
          model_type: random_forest
        inputs:
          dataset: dataset
        steps:
          a:
            uses: noop
        """

    static func setUp(_ database: TestDatabase) async throws -> (ScheduleHarness, [DatasetRecord]) {
        let h = try await ScheduleHarness(database: database)
        try h.write("per-exam", workflow)
        var datasets: [DatasetRecord] = []
        for name in ["exam-2025-01.csv", "exam-2025-02.csv", "exam-2025-03.csv", "exam-2025-04.csv"] {
            datasets.append(try await h.dataset(name))
            h.clock.advance(by: .seconds(60))
        }
        _ = try await h.dataset("other.csv")
        return (h, datasets)
    }

    @Test(arguments: TestDatabase.all) func maxParallelHoldsTheRestInTheGroup(database: TestDatabase) async throws {
        let (h, datasets) = try await Self.setUp(database)
        let group = try await h.engine.backfill(
            BackfillRequest(
                workflow: "per-exam", datasets: "exam-2025-*",
                params: ["model_type": .string("xgboost")], maxParallel: 2))
        #expect(group.datasetIDs == datasets.map(\.id))
        var view = try #require(try await h.engine.group(id: group.id))
        #expect(view.runs.count == 2)
        #expect(view.counts["waiting"] == 2)
        #expect(Set(view.runs.compactMap(\.datasetID)) == Set(datasets.prefix(2).map(\.id)))
        let first = try #require(try await h.engine.run(id: view.runs[0].id))
        #expect(first.trigger == .backfill)
        #expect(first.paramsJSON.contains("xgboost"))
        // Releasing again changes nothing while both are unfinished.
        try await h.engine.releaseGroups()
        #expect(try await h.engine.group(id: group.id)?.runs.count == 2)
        // One ends: one more starts.
        try await h.engine.cancel(runID: view.runs[0].id)
        try await h.engine.releaseGroups()
        view = try #require(try await h.engine.group(id: group.id))
        #expect(view.runs.count == 3)
        #expect(view.counts["waiting"] == 1)
        #expect(view.runs.count { !(RunState(rawValue: $0.state)?.isFinished ?? true) } == 2)
    }

    @Test(arguments: TestDatabase.all) func pauseResumeAndCancelTheRest(database: TestDatabase) async throws {
        let (h, _) = try await Self.setUp(database)
        let group = try await h.engine.backfill(BackfillRequest(workflow: "per-exam", datasets: "*exam*", maxParallel: 1))
        try await h.engine.pauseGroup(id: group.id)
        let firstRun = try #require(try await h.engine.group(id: group.id)?.runs.first)
        try await h.engine.cancel(runID: firstRun.id)
        try await h.engine.releaseGroups()
        // Paused: nothing new although there is room.
        #expect(try await h.engine.group(id: group.id)?.runs.count == 1)
        try await h.engine.resumeGroup(id: group.id)
        var view = try #require(try await h.engine.group(id: group.id))
        #expect(view.group.state == "active")
        #expect(view.runs.count == 2)
        try await h.engine.cancelGroup(id: group.id)
        view = try #require(try await h.engine.group(id: group.id))
        #expect(view.group.state == "canceled")
        #expect(view.runs.allSatisfy { $0.state == "canceled" })
        #expect(view.counts["waiting"] == 0)
        try await h.engine.releaseGroups()
        #expect(try await h.engine.group(id: group.id)?.runs.count == 2)
        await #expect(throws: BackfillError.groupCanceled(group.id)) { try await h.engine.resumeGroup(id: group.id) }
    }

    /// A group older than the newest 1,000 is still released (the pass read only those), and a
    /// group that released everything is no longer read; the list filters by workflow and state.
    @Test(arguments: TestDatabase.all) func everyGroupThatHoldsDatasetsBackIsReleased(database: TestDatabase) async throws {
        let (h, _) = try await Self.setUp(database)
        let group = try await h.engine.backfill(BackfillRequest(workflow: "per-exam", datasets: "exam-*", maxParallel: 1))
        let store = try #require(h.store as? any ScheduleStore)
        for i in 0..<1_000 {
            h.clock.advance(by: .seconds(1))
            try await store.createGroup(
                RunGroupRecord(
                    id: "grp-newer-\(i)", workflowName: "other", paramsJSON: "{}", datasetIDs: [], maxParallel: 1,
                    createdAt: h.clock.now(), selection: "none"))
        }
        #expect(try await store.groupsHoldingBack().map(\.id) == [group.id])
        // Migration 12 marks every older group as holding back: one pass clears those that do not.
        try await h.sql("UPDATE run_groups SET holds_back = 1")
        #expect(try await store.groupsHoldingBack().count == 1_001)
        try await h.engine.releaseGroups()
        #expect(try await store.groupsHoldingBack().map(\.id) == [group.id])
        let first = try #require(try await h.engine.group(id: group.id)?.runs.first)
        try await h.engine.cancel(runID: first.id)
        try await h.engine.releaseGroups()
        #expect(try await h.engine.group(id: group.id)?.runs.count == 2)

        #expect(try await h.engine.groups(limit: 5, workflow: "per-exam").map(\.id) == [group.id])
        #expect(try await h.engine.groups(limit: 5, state: .paused).isEmpty)
        #expect(try await h.engine.groups(limit: 5).count == 5)
        // Released to the last dataset: no longer read by the release pass.
        for _ in 0..<4 {
            for run in try await h.engine.group(id: group.id)?.runs ?? [] where !(RunState(rawValue: run.state)?.isFinished ?? true) {
                try await h.engine.cancel(runID: run.id)
            }
            try await h.engine.releaseGroups()
        }
        #expect(try await h.engine.group(id: group.id)?.counts["waiting"] == 0)
        #expect(try await store.groupsHoldingBack().isEmpty)
    }

    /// Two processes releasing one group at once submit each dataset once (the runs' idempotency key).
    @Test(arguments: TestDatabase.all) func twoReleasersSubmitEachDatasetOnce(database: TestDatabase) async throws {
        let (h, _) = try await Self.setUp(database)
        let other = try await h.secondEngine()
        let group = try await h.engine.backfill(BackfillRequest(workflow: "per-exam", datasets: "exam-*", maxParallel: 1))
        for run in try await h.engine.group(id: group.id)?.runs ?? [] { try await h.engine.cancel(runID: run.id) }
        async let a = h.engine.releaseGroup(id: group.id)
        async let b = other.releaseGroup(id: group.id)
        _ = try await (a, b)
        let runs = try #require(try await h.engine.group(id: group.id)?.runs)
        #expect(Set(runs.compactMap(\.datasetID)).count == runs.count)
        #expect(runs.count == 2)
        try await other.close()
    }

    /// Without `--wait`, a scheduler (serve, worker --scheduler) releases the group at each pass.
    @Test func aSchedulerPassReleasesGroups() async throws {
        let (h, _) = try await Self.setUp(.sqlite)
        let group = try await h.engine.backfill(BackfillRequest(workflow: "per-exam", datasets: "exam-*", maxParallel: 1))
        let first = try #require(try await h.engine.group(id: group.id)?.runs.first)
        try await h.engine.cancel(runID: first.id)
        try await Scheduler(engine: h.engine).runDue()
        #expect(try await h.engine.group(id: group.id)?.runs.count == 2)
    }

    /// A running scheduler gives a finished run's place to the next dataset within seconds (its
    /// group poll), not at its next full pass (up to 30 s later).
    @Test func aRunningSchedulerReleasesTheNextRunWithinSeconds() async throws {
        let (h, _) = try await Self.setUp(.sqlite)
        let group = try await h.engine.backfill(BackfillRequest(workflow: "per-exam", datasets: "exam-*", maxParallel: 1))
        let scheduler = Task { await Scheduler(engine: h.engine).run() }
        defer { scheduler.cancel() }
        let deadline = Date().addingTimeInterval(30)
        while h.clock.sleeperCount == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(h.clock.sleeperCount > 0, "the scheduler sleeps after its first pass")
        let first = try #require(try await h.engine.group(id: group.id)?.runs.first)
        try await h.engine.cancel(runID: first.id)
        h.clock.advance(by: .seconds(2))
        while try await h.engine.group(id: group.id)?.runs.count != 2, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try await h.engine.group(id: group.id)?.runs.count == 2, "released 2 s after the first run ended")
    }

    @Test(arguments: TestDatabase.all) func selectionByTimeAndRefusals(database: TestDatabase) async throws {
        let (h, datasets) = try await Self.setUp(database)
        let since = datasets[1].registeredAt
        let until = datasets[3].registeredAt
        let group = try await h.engine.backfill(
            BackfillRequest(workflow: "per-exam", datasets: "*", since: since, until: until, maxParallel: 10))
        #expect(group.datasetIDs == [datasets[1].id, datasets[2].id])
        await #expect(throws: BackfillError.self) {
            try await h.engine.backfill(BackfillRequest(workflow: "per-exam", datasets: "nothing-*"))
        }
        await #expect(throws: BackfillError.badMaxParallel(0)) {
            try await h.engine.backfill(BackfillRequest(workflow: "per-exam", datasets: "*", maxParallel: 0))
        }
        await #expect(throws: EngineError.self) {
            try await h.engine.backfill(BackfillRequest(workflow: "per-exam", datasets: "*", params: ["nope": .string("x")]))
        }
    }
}
