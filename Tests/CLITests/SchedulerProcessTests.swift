import Foundation
import Testing

/// The scheduler in a real `flowrun worker --scheduler` process on a real SQLite file: a restart
/// after missed ticks starts the latest one (`catchup: last`) and the same process's worker runs it.
/// The gap is made by moving the stored catch-up point back two hours with sqlite3, since the
/// process reads the real clock.
@Suite struct SchedulerProcessTests {
    static let workflow = """
        name: hourly
        version: 1
        triggers:
          schedule: { cron: "0 * * * *", catchup: last }
        steps:
          mark:
            run: echo ran >> $FLOWRUN_DATA/ticks.txt
        """

    static func sqlite(_ database: URL, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database.path, sql]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = ReadAll(out)
        process.waitUntilExit()
        return String(decoding: data.wait(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls `condition` every 100 ms until it holds or `seconds` pass.
    static func waitFor(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return try condition()
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "needs /usr/bin/sqlite3 to move the catch-up point"))
    func aRestartedSchedulerCatchesUpTheLastMissedTick() throws {
        let cli = try CLI()
        try cli.write("workflows/hourly.yaml", Self.workflow)
        let database = cli.directory.appendingPathComponent("data/flowrun.sqlite")
        let ticks = cli.directory.appendingPathComponent("data/ticks.txt")

        // First start: the schedule is seen and starts counting now; nothing is due.
        var (process, _, _) = try cli.start(["worker", "--scheduler"])
        #expect(Self.waitFor(120) { (try? Self.sqlite(database, "SELECT count(*) FROM schedule_state")) == "1" })
        process.terminate()
        process.waitUntilExit()

        // Two hours without a scheduler: at least one full hour was missed.
        _ = try Self.sqlite(database, "UPDATE schedule_state SET last_tick = last_tick - 7200")
        (process, _, _) = try cli.start(["worker", "--scheduler"])
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        #expect(Self.waitFor(120) { FileManager.default.fileExists(atPath: ticks.path) }, "no scheduled run ran")
        process.terminate()
        process.waitUntilExit()

        let runs = try Self.sqlite(database, "SELECT trigger || ' ' || trigger_key || ' ' || state FROM runs")
            .split(separator: "\n").map(String.init)
        // catchup: last — one run, of the latest missed hour, run to the end by the same process.
        #expect(runs.count == 1, "\(runs)")
        #expect(runs.first?.hasPrefix("schedule schedule:hourly:") == true)
        #expect(runs.first?.hasSuffix(":00:00Z succeeded") == true, "\(runs)")
        #expect(try String(contentsOf: ticks, encoding: .utf8) == "ran\n")
    }
}
