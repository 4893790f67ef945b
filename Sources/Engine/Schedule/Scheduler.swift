import FlowSpec
import Foundation
import Logging
import Store

/// Starts scheduled runs: at each pass, for every scheduled workflow, the ticks due since the last
/// one handled, chosen by `catchup:`, each started once across every process sharing the store.
///
/// Exactly once per tick: the run's idempotency key holds the tick (`ScheduleKey`), and
/// `runs.trigger_key` is UNIQUE — two schedulers racing for a tick both submit, one run exists.
/// `schedule_state` only remembers how far the schedule got (the catch-up point after a restart)
/// and decides which scheduler records a skipped tick.
public struct Scheduler: Sendable {
    public let engine: Engine
    /// A tick seen later than this is "missed" (catch-up rules apply); sooner, it is on time.
    public var lateAfter: Duration
    /// `catchup: all` starts at most this many missed ticks per workflow in one pass.
    public var maxCatchup: Int
    let logger: Logger

    public init(
        engine: Engine, lateAfter: Duration = .seconds(60), maxCatchup: Int = 1000,
        logger: Logger = Logger(label: "flowrun.scheduler")
    ) {
        self.engine = engine
        self.lateAfter = lateAfter
        self.maxCatchup = maxCatchup
        self.logger = logger
    }

    /// What one pass did for one tick.
    public enum Outcome: Sendable, Equatable {
        case started(workflow: String, tick: Date, runID: String)
        /// `overlap: skip` and `blocking` was still going.
        case skipped(workflow: String, tick: Date, blocking: String)
        /// Missed while no scheduler ran and dropped by `catchup:`.
        case dropped(workflow: String, tick: Date)
        case failed(workflow: String, tick: Date, message: String)
    }

    /// One pass at the engine's `now`. Also releases backfill groups' waiting runs.
    @discardableResult
    public func runDue() async throws -> [Outcome] {
        try await pass().outcomes
    }

    /// ``runDue()``, and whether a backfill group still holds datasets back.
    func runDueReportingGroups() async throws -> Bool {
        try await pass().groupsWaiting
    }

    private func pass() async throws -> (outcomes: [Outcome], groupsWaiting: Bool) {
        let store = try engine.scheduleStore()
        let now = engine.clock.now()
        var outcomes: [Outcome] = []
        let (workflows, problems) = engine.scheduledWorkflows()
        for problem in problems {
            logger.warning("schedule not read", metadata: ["file": "\(problem.file.path)", "error": "\(problem.message)"])
        }
        for scheduled in workflows {
            outcomes += try await runDue(scheduled, store: store, now: now)
        }
        let groupsWaiting = try await engine.releaseGroups()
        return (outcomes, groupsWaiting)
    }

    func runDue(_ scheduled: ScheduledWorkflow, store: any ScheduleStore, now: Date) async throws -> [Outcome] {
        let name = scheduled.name
        let schedule = scheduled.schedule
        // A schedule seen for the first time starts counting now: ticks before it existed are not missed.
        let state = try await store.startScheduleState(workflow: name, tick: now, now: now)
        let cron = schedule.cron, zone = schedule.timeZone
        // A tick at or after `lateCut` is on time; before it, missed while no scheduler ran.
        let lateCut = now.addingTimeInterval(-lateAfter.seconds)
        let onTime = cron.ticks(after: max(state.lastTick, lateCut.addingTimeInterval(-0.001)), through: now, in: zone, limit: maxCatchup)
        // Only as many missed ticks as `catchup` needs are computed: a minute cron after a year
        // away would otherwise cost every one of half a million ticks (50–80 µs each in a debug
        // build: docs/architecture.md, "Schedules and backfill groups").
        var missed: [Date] = []
        switch schedule.catchup {
        case .none: break
        case .last:
            if onTime.isEmpty, let newest = cron.newestTick(after: state.lastTick, before: lateCut, in: zone) { missed = [newest] }
        case .all:
            missed = cron.ticks(after: state.lastTick, through: lateCut.addingTimeInterval(-0.001), in: zone, limit: maxCatchup)
        }
        let chosen = schedule.catchup == .last ? Array((missed + onTime).suffix(1)) : missed + onTime
        guard
            let newest = [chosen.last, cron.newestTick(after: state.lastTick, before: now.addingTimeInterval(0.001), in: zone)]
                .compactMap({ $0 }).max()
        else { return [] }
        // The dropped ticks, for the log and the caller: at most 100 of them are named.
        let sample = cron.ticks(after: state.lastTick, through: lateCut.addingTimeInterval(-0.001), in: zone, limit: 100)
        var outcomes: [Outcome] = sample.filter { !chosen.contains($0) }.map { .dropped(workflow: name, tick: $0) }
        if !outcomes.isEmpty {
            logger.info(
                "missed ticks dropped by catchup",
                metadata: [
                    "workflow": "\(name)", "named": "\(outcomes.count)",
                    "catchup": "\(schedule.catchup.rawValue)",
                ])
        }
        for tick in chosen {
            outcomes.append(try await start(scheduled, tick: tick, store: store, now: now))
        }
        _ = try await store.advanceSchedule(workflow: name, to: newest, now: now)
        return outcomes
    }

    private func start(_ scheduled: ScheduledWorkflow, tick: Date, store: any ScheduleStore, now: Date) async throws -> Outcome {
        let name = scheduled.name
        let key = ScheduleKey.key(name, tick: tick)
        if scheduled.schedule.overlap == .skip {
            let going = try await store.unfinishedRuns(workflow: name, keyPrefix: ScheduleKey.prefix(name)).filter { $0.triggerKey != key }
            if let blocking = going.first {
                // Only the scheduler that moves the schedule past this tick records the skip: one event.
                if try await store.advanceSchedule(workflow: name, to: tick, now: now) {
                    let message =
                        "schedule tick \(ScheduleKey.iso(tick)) skipped: this run (tick \(blocking.triggerKey.flatMap(ScheduleKey.tick(ofKey:)).map(ScheduleKey.iso) ?? "?")) is still going (overlap: skip)"
                    try await engine.appendScheduleEvent(runID: blocking.id, kind: "schedule_skipped", message: message)
                    logger.info(
                        "schedule tick skipped",
                        metadata: ["workflow": "\(name)", "tick": "\(ScheduleKey.iso(tick))", "blocking": "\(blocking.id)"])
                }
                return .skipped(workflow: name, tick: tick, blocking: blocking.id)
            }
        }
        do {
            let request = SubmitRequest(
                workflow: scheduled.file.path, params: scheduled.schedule.params, trigger: .schedule, idempotencyKey: key)
            let run = try await engine.submit(request)
            _ = try await store.advanceSchedule(workflow: name, to: tick, now: now)
            logger.info("scheduled run", metadata: ["workflow": "\(name)", "tick": "\(ScheduleKey.iso(tick))", "run": "\(run.id)"])
            return .started(workflow: name, tick: tick, runID: run.id)
        } catch let error as EngineError {
            // The workflow cannot be started as it is (a required input, a bad param): retrying each
            // pass would not help; the tick counts as handled and the problem is logged.
            let message = ErrorText.describe(error)
            logger.error(
                "scheduled run refused", metadata: ["workflow": "\(name)", "tick": "\(ScheduleKey.iso(tick))", "error": "\(message)"])
            _ = try await store.advanceSchedule(workflow: name, to: tick, now: now)
            return .failed(workflow: name, tick: tick, message: message)
        }
    }

    /// Until canceled: a pass, then sleep until the earliest next tick (at most `maxSleep`, so
    /// edited workflow files and groups are looked at again). While a backfill group holds datasets
    /// back, its releases are looked at every `groupPoll` meanwhile: a run that ends gives its place
    /// to the next dataset within seconds (at the next pass, it waited up to `maxSleep`).
    public func run(maxSleep: Duration = .seconds(30), groupPoll: Duration = .seconds(2)) async {
        while !Task.isCancelled {
            var groupsWaiting = false
            do { groupsWaiting = try await runDueReportingGroups() } catch {
                logger.error("scheduler pass failed", metadata: ["error": "\(ErrorText.describe(error))"])
            }
            let now = engine.clock.now()
            var wait = maxSleep
            for scheduled in engine.scheduledWorkflows().workflows {
                if let next = scheduled.schedule.cron.nextTick(after: now, in: scheduled.schedule.timeZone) {
                    wait = min(wait, .milliseconds(max(10, Int64(next.timeIntervalSince(now) * 1000))))
                }
            }
            var slept: Duration = .zero
            while slept < wait, groupsWaiting {
                let step = min(groupPoll, wait - slept)
                do { try await engine.clock.sleep(for: step) } catch { return }
                slept += step
                do { groupsWaiting = try await engine.releaseGroups() } catch {
                    logger.error("releasing backfill groups failed", metadata: ["error": "\(ErrorText.describe(error))"])
                }
            }
            if slept < wait {
                do { try await engine.clock.sleep(for: wait - slept) } catch { return }
            }
        }
    }
}

extension Engine {
    /// The store's schedule and group tables.
    func scheduleStore() throws -> any ScheduleStore {
        guard let store = store as? any ScheduleStore else {
            throw EngineError.unreadable(path: "store", reason: "this store keeps no schedules")
        }
        return store
    }

    /// Appends an event to a run's history.
    func appendScheduleEvent(runID: String, kind: String, message: String) async throws {
        try await store.appendEvent(runID: runID, stepID: nil, kind: kind, message: message, at: clock.now())
    }
}
