import Foundation
import Testing

/// `flowrun runs compare RUN` on one matrix run: its instances side by side, with the built binary
/// on a real SQLite file and a trimmed `workflows/exam-sweep.yaml` (2 windows × 2 models) over
/// `flowrun sample-data`.
@Suite struct InstanceCompareCommandTests {
    @Test func oneSweepRunComparesItsEvaluateInstances() throws {
        let cli = try CLI()
        let sweep = try SweepCommandTests.sweepYAML
            .replacingOccurrences(of: "[linear, logistic, random_forest, gradient_boosting]", with: "[logistic, random_forest]")
        #expect(sweep.contains("[logistic, random_forest]"))
        try cli.write("workflows/exam-sweep.yaml", sweep)
        #expect(try cli.run(["sample-data", "--exams", "40", "--samples-per-exam", "80"]).status == 0)
        let run = try cli.run(["run", "exam-sweep", "--dataset", "data/inbound/exams.csv"])
        #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")

        let text = try cli.run(["runs", "compare", "latest"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("matrix instances of run "), "\(text.stdout)")
        #expect(
            text.stdout.contains("evaluate[window=25,model_type=logistic]")
                && text.stdout.contains("evaluate[window=50,model_type=random_forest]"))
        #expect(!text.stdout.contains("train[window"), "train's instances report timings, not scores: \(text.stdout)")
        #expect(text.stdout.contains("matrix values that differ"))
        let accuracy = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("  evaluate.accuracy") })
        #expect(accuracy.contains(" *"), "\(accuracy)")

        let json = try cli.run(["runs", "compare", "latest", "--json", "--metric", "accuracy"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let ids = try #require((object["runs"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
        #expect(ids.count == 4 && ids.allSatisfy { $0.hasPrefix("evaluate[") })
        #expect(object["instances_of"] is String && object["sorted_by"] as? String == "accuracy")
        let metrics = try #require(object["metrics"] as? [[String: Any]])
        let row = try #require(metrics.first { $0["key"] as? String == "evaluate.accuracy" })
        let values = try #require(row["values"] as? [String: Double])
        // Ordered best first: the first column holds the highest accuracy and is among the best.
        #expect(values[ids[0]] == values.values.max())
        #expect((row["best"] as? [String])?.contains(ids[0]) == true)
        let params = try #require(object["params"] as? [[String: Any]])
        #expect(Set(params.compactMap { $0["name"] as? String }) == ["window", "model_type"])
        #expect(params.allSatisfy { $0["differs"] as? Bool == true })

        // Another matrix step by --step; an unknown one is refused naming the ones there are.
        let train = try cli.run(["runs", "compare", "latest", "--step", "train"])
        #expect(train.status == 0 && train.stdout.contains("train[window=25,model_type=logistic]"), "\(train.stderr)")
        let typo = try cli.run(["runs", "compare", "latest", "--step", "evaluat"])
        #expect(
            typo.status == 2 && typo.stderr.contains("did you mean 'evaluate'") && !typo.stderr.contains("not a run id"), "\(typo.stderr)")
        #expect(try cli.run(["runs", "compare", "latest", "latest", "--step", "train"]).status != 0)
    }

    @Test func oneRunWithoutAMatrixIsRefusedSayingSo() throws {
        let cli = try CLI()
        try cli.write("workflows/plain.yaml", "name: plain\nversion: 1\nsteps:\n  a: { run: echo hi }\n")
        #expect(try cli.run(["run", "plain"]).status == 0)
        let refused = try cli.run(["runs", "compare", "latest"])
        #expect(refused.status == 2 && refused.stderr.contains("has no matrix instances"), "\(refused.stderr)")
    }
}
