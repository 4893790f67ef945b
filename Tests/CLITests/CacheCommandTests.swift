import Foundation
import Testing

/// Step caching as a user types it: a command that opts in runs once, `runs show` says where a
/// cached step came from and why one ran, `--no-cache`, `cache list|clear`, `runs rerun`, against a
/// real SQLite file and the built binary.
@Suite struct CacheCommandTests {
    static let workflow = """
        name: counted
        version: 1
        params:
          word: { type: string, default: hello }
        steps:
          say:
            run: echo "${{ params.word }}" > said.txt; echo x >> $FLOWRUN_DATA/executions.txt
            cache: true
        """

    func executions(_ cli: CLI) -> Int {
        let text = (try? String(contentsOf: cli.directory.appendingPathComponent("data/executions.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }

    func latestRun(_ cli: CLI) throws -> String {
        let runs = try JSONSerialization.jsonObject(with: Data(try cli.run(["runs", "list", "--json"]).stdout.utf8)) as? [[String: Any]]
        return try #require(runs?.first?["id"] as? String)
    }

    @Test func cachedRunsNoCacheRerunListAndClear() throws {
        let cli = try CLI()
        try cli.write("workflows/counted.yaml", Self.workflow)
        #expect(try cli.run(["run", "counted"]).status == 0)
        let first = try latestRun(cli)
        let again = try cli.run(["run", "counted"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(executions(cli) == 1)
        let show = try cli.run(["runs", "show", try latestRun(cli)])
        #expect(show.stdout.contains("say") && show.stdout.contains("cached"))
        #expect(show.stdout.contains("cached from run \(first) (say attempt 1)"), "\(show.stdout)")

        #expect(try cli.run(["run", "counted", "--no-cache"]).status == 0)
        #expect(executions(cli) == 2)
        #expect(try cli.run(["runs", "show", try latestRun(cli)]).stdout.contains("caching is off for this run (--no-cache)"))

        let rerun = try cli.run(["runs", "rerun", first, "--param", "word=bye"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("rerun of \(first)"))
        #expect(executions(cli) == 3)
        #expect(
            try cli.run(["runs", "show", try latestRun(cli)]).stdout.contains("ran because the command changed; param word hello → bye"))

        let list = try cli.run(["cache", "list", "--json"])
        #expect(list.status == 0)
        let listing = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any]
        #expect((listing?["entries"] as? [Any])?.count == 3)
        #expect(((listing?["total"] as? [String: Any])?["bytes"] as? Int ?? 0) > 0)
        #expect(try cli.run(["datasets", "list"]).stdout.contains("step cache: 3 entries"))

        let refused = try cli.run(["cache", "clear", "--older-than", "soon"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--older-than soon"))
        #expect(try cli.run(["cache", "clear", "--older-than", "30d"]).stdout.contains("cleared 0 cache entries older than 30d"))
        #expect(try cli.run(["cache", "clear"]).stdout.contains("cleared 3 cache entries"))
        #expect(try cli.run(["run", "counted"]).status == 0)
        #expect(executions(cli) == 4)
    }
}
