import Foundation
import Testing

/// `flowrun run`, `runs …` and `datasets …` as a user types them, against a real SQLite file.
@Suite struct RunCommandTests {
    static let steps = """
        name: steps
        version: 1
        params:
          pause: { type: number, default: 0 }
        steps:
          first:
            run: "sleep ${{ params.pause }}; echo $FLOWRUN_RUN_ID/$FLOWRUN_STEP >> $FLOWRUN_DATA/executions.txt"
          second:
            needs: [first]
            run: "sleep ${{ params.pause }}; echo $FLOWRUN_RUN_ID/$FLOWRUN_STEP >> $FLOWRUN_DATA/executions.txt"
          third:
            needs: [second]
            run: "sleep ${{ params.pause }}; echo $FLOWRUN_RUN_ID/$FLOWRUN_STEP >> $FLOWRUN_DATA/executions.txt"
        """

    @Test func runSucceedsAndHistoryShowsIt() throws {
        let cli = try CLI()
        try cli.write("workflows/steps.yaml", Self.steps)
        let result = try cli.run(["run", "steps"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("succeeded"))
        let list = try cli.run(["runs", "list", "--json"])
        #expect(list.status == 0)
        let runs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as! [[String: Any]]
        #expect(runs.count == 1)
        #expect(runs.first?["state"] as? String == "succeeded")
        let id = runs.first?["id"] as! String
        let logs = try cli.run(["runs", "logs", id, "--step", "second"])
        #expect(logs.stdout.contains("succeeded"))
        #expect(FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("data/flowrun.sqlite").path))
    }

    @Test func badInputIsOneLineOnStderrWithExitCode2() throws {
        let cli = try CLI()
        try cli.write("workflows/steps.yaml", Self.steps)
        let unknown = try cli.run(["run", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("workflow 'nope' not found (available: steps)"))
        let badParam = try cli.run(["run", "steps", "--param", "pause=soon"])
        #expect(badParam.status == 2)
        #expect(badParam.stderr.contains("pause"))
        try cli.write("outside.csv", "a\n1\n")
        let outside = try cli.run(["datasets", "add", "outside.csv"])
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("outside the allowed data roots"))
        let runs = try JSONSerialization.jsonObject(with: Data(try cli.run(["runs", "list", "--json"]).stdout.utf8)) as? [Any]
        #expect(runs?.isEmpty == true, "a refused request writes no run")
    }

    @Test func failedRunExitsWith1() throws {
        let cli = try CLI()
        try cli.write("workflows/fails.yaml", "name: fails\nversion: 1\nsteps:\n  boom:\n    run: exit 7\n    retries: 0\n")
        let result = try cli.run(["run", "fails"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("exited with status 7"))
    }

    @Test func corruptDatabaseIsAClearError() throws {
        let cli = try CLI()
        try cli.write("data/flowrun.sqlite", String(repeating: "this is not a database ", count: 400))
        let result = try cli.run(["runs", "list"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("flowrun.sqlite"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func readOnlyDatabaseRefusesWritesClearlyAndStillReads() throws {
        let cli = try CLI()
        try cli.write("workflows/steps.yaml", Self.steps)
        #expect(try cli.run(["run", "steps"]).status == 0, "the database exists")
        let database = cli.directory.appendingPathComponent("data/flowrun.sqlite").path
        // Root ignores file modes; the immutable attribute holds even for root.
        let lock = Process()
        lock.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        lock.arguments = ["+i", database]
        try lock.run()
        lock.waitUntilExit()
        try #require(lock.terminationStatus == 0, "chattr +i must work on this file system")
        defer {
            let unlock = Process()
            unlock.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            unlock.arguments = ["-i", database]
            try? unlock.run()
            unlock.waitUntilExit()
        }
        let run = try cli.run(["run", "steps"])
        #expect(run.status == 2)
        #expect(run.stderr == "flowrun: error: \(database): the database is read-only: check the file's and folder's permissions\n")
        #expect(try cli.run(["runs", "list"]).status == 0, "reading history still works")
    }

    @Test func killedRunIsFinishedByASecondProcess() throws {
        let cli = try CLI()
        try cli.write("workflows/steps.yaml", Self.steps)
        let (process, _, _) = try cli.start(["run", "steps", "--param", "pause=1"])
        let executions = cli.directory.appendingPathComponent("data/executions.txt")
        // Kill it with SIGKILL once the first step has finished and the second is under way.
        var waited = 0
        while (try? String(contentsOf: executions, encoding: .utf8))?.contains("/first") != true && waited < 600 {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 1
        }
        Thread.sleep(forTimeInterval: 0.3)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let list = try cli.run(["runs", "list", "--json"])
        let runs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as! [[String: Any]]
        let id = try #require(runs.first?["id"] as? String)
        #expect(runs.first?["state"] as? String == "running")

        let resumed = try cli.run(["runs", "resume", id])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        let lines = try String(contentsOf: executions, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasSuffix("/first") }.count == 1, "a succeeded step is never run again")
        #expect(Set(lines.map { $0.split(separator: "/").last.map(String.init) ?? "" }) == ["first", "second", "third"])
        let show = try cli.run(["runs", "show", id, "--json"])
        let detail = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as! [String: Any]
        let attempts = detail["attempts"] as! [[String: Any]]
        #expect(attempts.contains { $0["outcome"] as? String == "lease_expired" })
    }

    @Test func twoProcessesOnOneSQLiteFileBothFinishWithoutRunningAStepTwice() throws {
        let cli = try CLI()
        try cli.write("workflows/steps.yaml", Self.steps)
        let a = try cli.start(["run", "steps"])
        let b = try cli.start(["run", "steps"])
        a.0.waitUntilExit()
        b.0.waitUntilExit()
        #expect(a.0.terminationStatus == 0)
        #expect(b.0.terminationStatus == 0)
        let lines = try String(contentsOf: cli.directory.appendingPathComponent("data/executions.txt"), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 6)
        #expect(Set(lines).count == 6)
    }
}
