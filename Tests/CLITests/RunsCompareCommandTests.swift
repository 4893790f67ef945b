import Foundation
import Testing

/// `flowrun runs compare` and run references (`latest`, `latest~1`, prefixes) as a user types them,
/// against a real SQLite file and the built binary.
@Suite struct RunsCompareCommandTests {
    static let workflow = """
        name: greet
        version: 1
        params:
          word: { type: string, default: hello }
          times: { type: number, default: 2 }
        steps:
          say:
            run: echo "${{ params.word }}"
        """

    @Test func compareTheLatestRunsAndNameRunsByPrefix() throws {
        let cli = try CLI()
        try cli.write("workflows/greet.yaml", Self.workflow)
        #expect(try cli.run(["run", "greet"]).status == 0)
        #expect(try cli.run(["run", "greet", "--param", "word=bye"]).status == 0)
        let listed = try JSONSerialization.jsonObject(with: Data(try cli.run(["runs", "list", "--json"]).stdout.utf8)) as? [[String: Any]]
        let ids = try #require(listed?.compactMap { $0["id"] as? String })
        #expect(ids.count == 2)

        let text = try cli.run(["runs", "compare", "latest", "latest~1"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains(ids[0]) && text.stdout.contains(ids[1]))
        #expect(text.stdout.contains("params that differ"))
        let wordLine = try #require(text.stdout.split(separator: "\n").first { $0.contains("word") })
        #expect(wordLine.contains("bye") && wordLine.contains("hello"))
        #expect(text.stdout.contains("same in every run: times=2"))

        let json = try cli.run(["runs", "compare", "latest", "latest~1", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let params = try #require(object?["params"] as? [[String: Any]])
        #expect(params.first?["name"] as? String == "word")
        #expect((params.first?["values"] as? [String: String]) == [ids[0]: "bye", ids[1]: "hello"])

        // A unique prefix names its run everywhere a run is taken.
        let prefix = String(ids[1].prefix(ids[1].count - 1))
        let shown = try cli.run(["runs", "show", prefix])
        #expect(shown.status == 0 && shown.stdout.contains("run \(ids[1])"))
        #expect(try cli.run(["runs", "logs", "latest", "--step", "say"]).stdout.contains("bye"))

        // Refusals: one run, a metric no run reported, a run that does not exist; exit 2 with the reason.
        #expect(try cli.run(["runs", "compare", "latest"]).status != 0)
        let metric = try cli.run(["runs", "compare", "latest", "latest~1", "--metric", "accuracy"])
        #expect(metric.status == 2 && metric.stderr.contains("no compared run reported metric 'accuracy'"))
        let missing = try cli.run(["runs", "compare", "latest", "latest~5"])
        #expect(missing.status == 2 && missing.stderr.contains("there are 2 runs"), "\(missing.stderr)")
        let unknown = try cli.run(["runs", "show", "19990101"])
        #expect(unknown.status == 2 && unknown.stderr.contains("run '19990101' not found"))
    }
}
