import FlowSpec
import Foundation
import Store

/// One schedule as `flowrun schedules`, `GET /api/schedules` and the workflows page show it.
public struct ScheduleInfo: Sendable {
    public var workflow: String
    public var cron: String
    public var timeZone: String
    public var catchup: String
    public var overlap: String
    /// The next tick after now; nil when the expression never fires again.
    public var nextTick: Date?
    /// The newest scheduled run, with the tick it was started for.
    public var lastRun: RunRecord?
    public var lastTick: Date?
}

extension Engine {
    /// Every schedule of the workflows folder with its next tick (from the engine's now) and its
    /// newest run; by workflow name.
    public func schedules() async throws -> [ScheduleInfo] {
        let store = try scheduleStore()
        let now = clock.now()
        var out: [ScheduleInfo] = []
        for scheduled in scheduledWorkflows().workflows.sorted(by: { $0.name < $1.name }) {
            let schedule = scheduled.schedule
            let last = try await store.latestRun(workflow: scheduled.name, keyPrefix: ScheduleKey.prefix(scheduled.name))
            out.append(
                ScheduleInfo(
                    workflow: scheduled.name, cron: schedule.cron.text, timeZone: schedule.timeZone.identifier,
                    catchup: schedule.catchup.rawValue, overlap: schedule.overlap.rawValue,
                    nextTick: schedule.cron.nextTick(after: now, in: schedule.timeZone),
                    lastRun: last, lastTick: last?.triggerKey.flatMap(ScheduleKey.tick(ofKey:))))
        }
        return out
    }

    /// `2026-11-27T01:00:00Z`: how schedules print times.
    public static func scheduleTime(_ date: Date) -> String { ScheduleKey.iso(date) }
}
