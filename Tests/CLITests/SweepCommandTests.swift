import Foundation
import Testing

/// `workflows/exam-sweep.yaml` end to end with the built binary, on `flowrun sample-data` (small, so
/// the four models fit in seconds): one preprocess per window, 2 × 4 train and evaluate instances,
/// one select whose leaderboard has a row per instance, and instance ids usable with `--step`.
@Suite struct SweepCommandTests {
    static var sweepYAML: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            return try String(contentsOf: root.appendingPathComponent("workflows/exam-sweep.yaml"), encoding: .utf8)
        }
    }

    @Test func examSweepRunsEndToEnd() throws {
        let cli = try CLI()
        try cli.write("workflows/exam-sweep.yaml", try Self.sweepYAML)
        let data = try cli.run(["sample-data", "--exams", "40", "--samples-per-exam", "80"])
        #expect(data.status == 0, "\(data.stderr)")
        let run = try cli.run(["run", "exam-sweep", "--dataset", "data/inbound/exams.csv"])
        #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")

        let runs = try JSONSerialization.jsonObject(with: Data(try cli.run(["runs", "list", "--json"]).stdout.utf8)) as? [[String: Any]]
        let id = try #require(runs?.first?["id"] as? String)
        let folder = cli.directory.appendingPathComponent("data/runs/\(id)")
        let steps = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        #expect(steps.filter { $0.hasPrefix("train[") }.count == 8, "\(steps)")
        #expect(steps.filter { $0.hasPrefix("evaluate[") }.count == 8)
        // window is preprocess's parameter: one preprocess per window, each shared by four models.
        #expect(steps.filter { $0.hasPrefix("preprocess") }.sorted() == ["preprocess[window=25]", "preprocess[window=50]"])
        #expect(steps.filter { $0 == "select" }.count == 1)
        #expect(steps.contains("train[window=50,model_type=gradient_boosting]"))

        let csv = try String(contentsOf: folder.appendingPathComponent("select/leaderboard.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        #expect(rows.count == 9, "\(csv)")
        #expect(rows.first?.hasPrefix("rank,item,model_type,window,accuracy") == true)
        let board =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("select/leaderboard.json")))
            as? [String: Any]
        let items = try #require(board?["items"] as? [[String: Any]])
        #expect(items.count == 8)
        #expect(board?["goal"] as? String == "maximize")
        // Best first, and the winner's model is a train instance's file.
        let values = items.compactMap { $0["value"] as? Double }
        #expect(values == values.sorted(by: >))
        let model = try #require(items.first?["model"] as? String)
        #expect(model.contains("/train[") && FileManager.default.fileExists(atPath: model))
        let svg = try String(contentsOf: folder.appendingPathComponent("select/leaderboard.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.components(separatedBy: "<rect x=\"300\"").count - 1 == 8)

        let logs = try cli.run(["runs", "logs", id, "--step", "train[window=25,model_type=logistic]"])
        #expect(logs.status == 0, "\(logs.stderr)")
        #expect(logs.stdout.contains("succeeded"))
    }

    /// Piped, the progress prints each instance's change and, when one finishes, its step's tally.
    @Test func progressTalliesInstancesUnderTheirStep() throws {
        let cli = try CLI()
        try cli.write(
            "workflows/tally.yaml",
            """
            name: tally
            version: 1
            steps:
              fit:
                run: echo "${{ matrix.n }}"
                matrix: { n: [1, 2, 3] }
              report:
                uses: noop
                needs: [fit]
                gather: true
            """)
        let result = try cli.run(["run", "tally"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("✓ fit[n=2]") })
        let tallies = lines.filter { $0.hasPrefix("  ") && $0.contains(" fit ") && $0.contains(" done") }
        #expect(tallies.last?.hasPrefix("  ✓ fit") == true, "\(result.stdout)")
        #expect(tallies.last?.hasSuffix("3/3 done") == true, "\(result.stdout)")
        let counts = tallies.compactMap { line in line.split(separator: " ").first { $0.contains("/3") }.flatMap { Int($0.prefix(1)) } }
        #expect(counts == counts.sorted() && !counts.isEmpty)
    }
}
