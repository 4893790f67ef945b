import Foundation
import Testing

/// `flowrun watch` as a real process on real files and a real SQLite file.
@Suite struct WatchCommandTests {
    static let workflow = """
        name: ingest
        version: 1
        inputs:
          dataset: { type: dataset, required: true }
        triggers:
          folder: { path: inbound, include: ["*.csv"] }
        steps:
          s:
            uses: noop
            with: { path: "${{ inputs.dataset.path }}" }
        """

    func json(_ cli: CLI, _ arguments: [String]) throws -> [[String: Any]] {
        let result = try cli.run(arguments + ["--json"])
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    @Test func aBurstOf500FilesMakes500DatasetsAnd500Runs() throws {
        let cli = try CLI()
        try cli.write("workflows/ingest.yaml", Self.workflow)
        let (watcher, out, err) = try cli.start(["watch", "--no-worker"], environment: ["STABLE_SECONDS": "1"])
        _ = ReadAll(out)  // a line per file: more than a pipe holds
        _ = ReadAll(err)
        defer {
            kill(watcher.processIdentifier, SIGTERM)
            watcher.waitUntilExit()
        }
        for i in 0..<500 {
            try cli.write("data/inbound/burst/exam_\(i).csv", "exam_id,t,v\n\(i),0,\(Double(i) * 0.5)\n")
        }
        let deadline = Date().addingTimeInterval(120)
        var runs: [[String: Any]] = []
        while Date() < deadline {
            runs = try json(cli, ["runs", "list", "--limit", "1000"])
            if runs.count >= 500 { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        // Give a doubled submission the chance to show before counting.
        Thread.sleep(forTimeInterval: 2.5)
        runs = try json(cli, ["runs", "list", "--limit", "1000"])
        let datasets = try json(cli, ["datasets", "list", "--limit", "1000"])
        #expect(runs.count == 500)
        #expect(datasets.count == 500)
        let perDataset = Dictionary(grouping: runs, by: { $0["dataset_id"] as? String ?? $0["datasetID"] as? String ?? "?" })
        #expect(perDataset.count == 500 && perDataset.values.allSatisfy { $0.count == 1 }, "one run per dataset")
    }

    @Test func killedBetweenRegisteringAndSubmittingTheRestartMakesExactlyOneRun() throws {
        let cli = try CLI()
        try cli.write("workflows/ingest.yaml", Self.workflow)
        try cli.write("data/inbound/exam.csv", "exam_id,t,v\n1,0,0.5\n")
        let crashed = try cli.run(["watch", "--once"], environment: ["STABLE_SECONDS": "0", "FLOWRUN_FAILPOINT": "watch-after-register"])
        #expect(crashed.status == 86, "\(crashed.stderr)")
        #expect(try json(cli, ["datasets", "list"]).count == 1)
        #expect(try json(cli, ["runs", "list"]).isEmpty)
        let restarted = try cli.run(["watch", "--once"], environment: ["STABLE_SECONDS": "0"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(restarted.stdout.contains("submitted 1"))
        // With the default wait, one pass still decides every file present: this one was run before.
        let again = try cli.run(["watch", "--once"], environment: ["STABLE_SECONDS": "1"])
        #expect(again.stdout.contains("submitted 0, already known 1, rejected 0"), "\(again.stdout)")
        #expect(try json(cli, ["runs", "list"]).count == 1)
        #expect(try json(cli, ["datasets", "list"]).count == 1)
    }

    @Test func badSettingsAndNothingToWatchAreClearErrors() throws {
        let cli = try CLI()
        let nothing = try cli.run(["watch", "--once"])
        #expect(nothing.status == 2)
        #expect(nothing.stderr.contains("declares triggers.folder"))
        try cli.write("workflows/ingest.yaml", Self.workflow)
        let bad = try cli.run(["watch", "--once"], environment: ["STABLE_SECONDS": "five"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("STABLE_SECONDS=five"))
    }
}
