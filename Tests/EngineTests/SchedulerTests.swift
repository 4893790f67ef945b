import Engine
import FlowSpec
import Foundation
import Logging
import Store
import TestSupport
import Testing

/// The scheduler on a real store (SQLite file; PostgreSQL under scripts/with-postgres), driven by
/// the manual clock: a tick starts one run however many schedulers race for it, missed ticks are
/// caught up per `catchup:`, `overlap: skip` skips (and says so in the run's events).
/// The harness's clock starts at 2027-01-15T08:00:00Z.
@Suite struct SchedulerTests {
    static func workflow(cron: String, catchup: String = "last", overlap: String = "allow") -> String {
        """
        name: nightly
        version: 1
        params:
          label: { type: string, default: plain }
        triggers:
          schedule: { cron: "\(cron)", timezone: UTC, params: { label: scheduled }, catchup: \(catchup), overlap: \(overlap) }
        steps:
          a:
            uses: noop
            with: { label: "${{ params.label }}" }
        """
    }

    static func scheduledRuns(_ h: ScheduleHarness) async throws -> [RunRecord] {
        try await h.store.runs(RunQuery(workflow: "nightly", limit: 1000)).filter { $0.trigger == .schedule }
            .sorted { ($0.triggerKey ?? "") < ($1.triggerKey ?? "") }
    }

    static func iso(_ date: Date) -> String { Engine.scheduleTime(date) }

    @Test(arguments: TestDatabase.all) func aTickStartsOneRunWithTheScheduleParams(database: TestDatabase) async throws {
        let h = try await ScheduleHarness(database: database)
        try h.write("nightly", Self.workflow(cron: "0 * * * *"))
        let scheduler = Scheduler(engine: h.engine)
        // The first pass only starts counting: 08:00 itself was not missed.
        try await scheduler.runDue()
        #expect(try await Self.scheduledRuns(h).isEmpty)
        h.clock.advance(by: .seconds(3600))
        let outcomes = try await scheduler.runDue()
        let runs = try await Self.scheduledRuns(h)
        #expect(runs.count == 1)
        #expect(runs.first?.triggerKey == "schedule:nightly:2027-01-15T09:00:00Z")
        #expect(runs.first?.paramsJSON.contains("scheduled") == true)
        #expect(outcomes == [.started(workflow: "nightly", tick: h.clock.now(), runID: runs[0].id)])
        // The same tick again: nothing new.
        try await scheduler.runDue()
        #expect(try await Self.scheduledRuns(h).count == 1)
        let listed = try await h.engine.schedules()
        #expect(listed.count == 1)
        #expect(listed.first?.nextTick.map(Self.iso) == "2027-01-15T10:00:00Z")
        #expect(listed.first?.lastRun?.id == runs[0].id)
        #expect(listed.first?.lastTick.map(Self.iso) == "2027-01-15T09:00:00Z")
    }

    /// Two schedulers on two connections to one database (two processes' view) handle the same
    /// ticks at the same moment: one run per tick, by the UNIQUE trigger key.
    @Test(arguments: TestDatabase.all) func twoSchedulersRacingMakeOneRunPerTick(database: TestDatabase) async throws {
        let h = try await ScheduleHarness(database: database)
        try h.write("nightly", Self.workflow(cron: "*/5 * * * *", catchup: "all"))
        let other = try await h.secondEngine()
        let first = Scheduler(engine: h.engine)
        let second = Scheduler(engine: other)
        try await first.runDue()
        for _ in 0..<4 {
            h.clock.advance(by: .seconds(300))
            async let a = first.runDue()
            async let b = second.runDue()
            let (ra, rb) = try await (a, b)
            // Each started the tick or found it handled already; when both started it, both name one run.
            #expect(ra.count <= 1 && rb.count <= 1 && ra.count + rb.count >= 1)
            if case .started(_, _, let idA) = ra.first, case .started(_, _, let idB) = rb.first { #expect(idA == idB) }
        }
        let runs = try await Self.scheduledRuns(h)
        #expect(runs.count == 4)
        #expect(Set(runs.compactMap(\.triggerKey)).count == 4)
        try await other.close()
    }

    /// Schedulers that read the catch-up point before another moved it all submit the same tick, at
    /// once, on two connections: the UNIQUE trigger key leaves one run, and each is told its id.
    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "needs /usr/bin/sqlite3 to move the catch-up point back"),
        arguments: TestDatabase.all)
    func staleSchedulersSubmittingOneTickMakeOneRun(database: TestDatabase) async throws {
        let h = try await ScheduleHarness(database: database)
        try h.write("nightly", Self.workflow(cron: "0 * * * *"))
        let other = try await h.secondEngine()
        let first = Scheduler(engine: h.engine)
        let second = Scheduler(engine: other)
        try await first.runDue()
        h.clock.advance(by: .seconds(3600))
        let made = try await first.runDue()
        let runID = try #require(try await Self.scheduledRuns(h).first?.id)
        for _ in 0..<3 {
            // As if neither had seen the 09:00 tick handled.
            try await h.sql("UPDATE schedule_state SET last_tick = last_tick - 3600")
            async let a = first.runDue()
            async let b = second.runDue()
            let (ra, rb) = try await (a, b)
            for outcome in ra + rb {
                #expect(outcome == made[0], "\(outcome)")
            }
            #expect(!(ra + rb).isEmpty)
        }
        let runs = try await Self.scheduledRuns(h)
        #expect(runs.map(\.id) == [runID])
        try await other.close()
    }

    @Test(arguments: TestDatabase.all, ["none", "last", "all"])
    func missedTicksAreCaughtUpPerCatchup(database: TestDatabase, catchup: String) async throws {
        let h = try await ScheduleHarness(database: database)
        try h.write("nightly", Self.workflow(cron: "0 * * * *", catchup: catchup))
        let scheduler = Scheduler(engine: h.engine)
        try await scheduler.runDue()
        // No scheduler ran for 5½ hours: the ticks 09:00 … 13:00 were missed.
        h.clock.advance(by: .seconds(5 * 3600 + 1800))
        let outcomes = try await scheduler.runDue()
        let keys = try await Self.scheduledRuns(h).compactMap(\.triggerKey)
        switch catchup {
        case "none":
            #expect(keys.isEmpty)
            #expect(outcomes.count == 5)
        case "last":
            #expect(keys == ["schedule:nightly:2027-01-15T13:00:00Z"])
        default:
            #expect(keys == (9...13).map { String(format: "schedule:nightly:2027-01-15T%02d:00:00Z", $0) })
        }
        // Whatever was chosen, those ticks are handled: the next pass starts nothing.
        try await scheduler.runDue()
        #expect(try await Self.scheduledRuns(h).compactMap(\.triggerKey) == keys)
        // And the schedule goes on at 14:00.
        h.clock.advance(by: .seconds(1800))
        try await scheduler.runDue()
        #expect(try await Self.scheduledRuns(h).last?.triggerKey == "schedule:nightly:2027-01-15T14:00:00Z")
    }

    /// No worker runs here, so a started run stays unfinished: the next tick is skipped, with an
    /// event on the run still going; once it ends, ticks start runs again.
    @Test(arguments: TestDatabase.all) func overlapSkipSkipsWhileARunIsGoing(database: TestDatabase) async throws {
        let h = try await ScheduleHarness(database: database)
        try h.write("nightly", Self.workflow(cron: "*/10 * * * *", overlap: "skip"))
        let scheduler = Scheduler(engine: h.engine)
        try await scheduler.runDue()
        h.clock.advance(by: .seconds(600))
        try await scheduler.runDue()
        let first = try #require(try await Self.scheduledRuns(h).first)
        h.clock.advance(by: .seconds(600))
        let skipped = try await scheduler.runDue()
        #expect(skipped == [.skipped(workflow: "nightly", tick: h.clock.now(), blocking: first.id)])
        #expect(try await Self.scheduledRuns(h).count == 1)
        let events = try await h.store.events(runID: first.id, after: 0, limit: 100).filter { $0.kind == "schedule_skipped" }
        #expect(events.count == 1)
        #expect(events.first?.message.contains("2027-01-15T08:20:00Z") == true)
        try await h.engine.cancel(runID: first.id)
        h.clock.advance(by: .seconds(600))
        try await scheduler.runDue()
        #expect(try await Self.scheduledRuns(h).map(\.triggerKey) == [first.triggerKey, "schedule:nightly:2027-01-15T08:30:00Z"])
    }

    @Test(arguments: TestDatabase.all) func overlapAllowStartsEachTick(database: TestDatabase) async throws {
        let h = try await ScheduleHarness(database: database)
        try h.write("nightly", Self.workflow(cron: "*/10 * * * *", overlap: "allow"))
        let scheduler = Scheduler(engine: h.engine)
        try await scheduler.runDue()
        for _ in 0..<3 {
            h.clock.advance(by: .seconds(600))
            try await scheduler.runDue()
        }
        #expect(try await Self.scheduledRuns(h).filter { !$0.state.isFinished }.count == 3)
    }

    /// The folder is read at each pass: an edited cron counts from the next pass.
    @Test func anEditedScheduleIsReadAtTheNextPass() async throws {
        let h = try await ScheduleHarness()
        try h.write("nightly", Self.workflow(cron: "0 0 1 1 *"))
        let scheduler = Scheduler(engine: h.engine)
        try await scheduler.runDue()
        #expect(try await h.engine.schedules().first?.cron == "0 0 1 1 *")
        try h.write("nightly", Self.workflow(cron: "*/15 * * * *"))
        h.clock.advance(by: .seconds(900))
        try await scheduler.runDue()
        #expect(try await Self.scheduledRuns(h).count == 1)
    }

    /// The service's loop sleeps on the engine's clock until the next tick.
    @Test func theLoopWakesAtTheNextTick() async throws {
        let h = try await ScheduleHarness()
        try h.write("nightly", Self.workflow(cron: "*/30 * * * *"))
        let scheduler = Scheduler(engine: h.engine)
        let loop = Task { await scheduler.run(maxSleep: .seconds(3600)) }
        defer { loop.cancel() }
        let deadline = Date().addingTimeInterval(60)
        while h.clock.sleeperCount == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        h.clock.advance(by: .seconds(1800))
        while try await Self.scheduledRuns(h).isEmpty, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try await Self.scheduledRuns(h).first?.triggerKey == "schedule:nightly:2027-01-15T08:30:00Z")
    }
}
