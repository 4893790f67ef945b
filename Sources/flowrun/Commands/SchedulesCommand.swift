import ArgumentParser
import Engine
import Foundation

/// `flowrun schedules`: the workflows' cron schedules, their next tick and last run.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "List the workflows' cron schedules: next tick, last run and its state.",
        discussion: """
            A workflow is scheduled by `triggers: schedule: { cron: "0 2 * * *", timezone: Europe/Berlin }`. \
            `flowrun serve` runs the scheduler (unless --no-scheduler), as does `flowrun worker --scheduler`; \
            each tick starts one run however many of them share the database (docs/scheduling.md). \
            Times are shown in UTC and in the schedule's time zone.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingErrors {
            let engine = try await global.openEngine(readOnly: true)
            defer { Task { try? await engine.close() } }
            let schedules = try await engine.schedules()
            if output.json {
                let rows: [[String: Any]] = schedules.map { s in
                    var row: [String: Any] = [
                        "workflow": s.workflow, "cron": s.cron, "timezone": s.timeZone,
                        "catchup": s.catchup, "overlap": s.overlap,
                    ]
                    row["next_tick"] = s.nextTick.map(Engine.scheduleTime) ?? NSNull()
                    row["last_tick"] = s.lastTick.map(Engine.scheduleTime) ?? NSNull()
                    row["last_run"] = s.lastRun.map { ["id": $0.id, "state": $0.state.rawValue] as [String: Any] } ?? NSNull()
                    return row
                }
                let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            guard !schedules.isEmpty else {
                print("no schedules: give a workflow `triggers: schedule: { cron: \"0 2 * * *\" }` (docs/scheduling.md)")
                return
            }
            var table = TextTable(header: ["workflow", "cron", "timezone", "next tick", "last run", "state"])
            for s in schedules {
                let zone = TimeZone(identifier: s.timeZone) ?? .gmt
                table.rows.append([
                    s.workflow, s.cron, s.timeZone, s.nextTick.map { Self.show($0, zone) } ?? "never",
                    s.lastRun?.id ?? "-", s.lastRun?.state.rawValue ?? "-",
                ])
            }
            print(table.render())
        }
    }

    /// `2026-11-27 02:00 Europe/Berlin (01:00Z)`.
    static func show(_ date: Date, _ zone: TimeZone) -> String {
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = zone
        local.dateFormat = "yyyy-MM-dd HH:mm"
        let utc = DateFormatter()
        utc.locale = Locale(identifier: "en_US_POSIX")
        utc.timeZone = .gmt
        utc.dateFormat = "HH:mm'Z'"
        return zone.secondsFromGMT(for: date) == 0
            ? local.string(from: date) + " UTC" : "\(local.string(from: date)) (\(utc.string(from: date)))"
    }
}
