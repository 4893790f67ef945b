import FlowSpec
import Foundation
import Learn
import Steps
import Testing

/// train chooses a binary model's F1 threshold out-of-fold; evaluate reports the test metrics at
/// it and at 0.5. The step's threads reach XGBoost.
@Suite struct ThresholdStepTests: StepScratch {
    let dir = Self.newDirectory()

    /// One row in nine is "rare", where x0 + noise is high (as LearnTests' ClassWeightTests).
    func table(_ name: String, rows n: Int, seed: UInt64) throws -> String {
        var rng = SplitMix64(seed: seed)
        var text = "id,label,x0,x1\n"
        for r in 0..<n {
            let x0 = rng.normal(), x1 = rng.normal()
            text += "\(r),\(x0 + 0.8 * rng.normal() > 1.6 ? "rare" : "common"),\(x0),\(x1)\n"
        }
        return try write(name, text)
    }

    @Test func evaluateReportsBothThresholds() async throws {
        let train = try table("train.csv", rows: 900, seed: 1), test = try table("test.csv", rows: 900, seed: 2)
        let log = LogLines()
        let trained = try await TrainStep().run(
            try context("train", ["features": .string(train), "model_type": "logistic"], log: log.logger))
        let threshold = try #require(trained.outputs["threshold"]?.numberValue)
        #expect(threshold < 0.5)
        #expect(trained.metrics["threshold"] == threshold)
        #expect(trained.metrics["threshold_oof_f1"]! > trained.metrics["threshold_oof_f1_at_0.5"]!)
        #expect(log.lines.contains { $0.hasPrefix("decision threshold ") && $0.contains("'rare'") && $0.contains("over 5 folds") })
        let evaluated = try await EvaluateStep().run(
            try context("evaluate", ["model": trained.outputs["model"]!, "features": .string(test)]))
        let m = evaluated.metrics
        #expect(m["threshold"] == threshold)
        #expect(m["f1_at_threshold"]! > m["f1"]!, "F1 \(m["f1"]!) at 0.5, \(m["f1_at_threshold"]!) at \(threshold)")
        #expect(m["recall_at_threshold"]! > m["recall"]!)
        for key in ["accuracy_at_threshold", "precision_at_threshold"] { #expect(m[key] != nil, "\(key)") }
        let report =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: evaluated.outputs["metrics"]!.stringValue!)))
            as! [String: Any]
        let block = try #require(report["threshold"] as? [String: Any])
        #expect(block["value"] as? Double == threshold)
        #expect((block["at_0.5"] as? [String: Double])?["f1"] == m["f1"])
        #expect((block["at_threshold"] as? [String: Double])?["f1"] == m["f1_at_threshold"])
    }

    @Test func thresholdFoldsZeroSkipsTheSearchAndOneIsRefused() async throws {
        let train = try table("train.csv", rows: 200, seed: 1)
        let skipped = try await TrainStep().run(
            try context("train", ["features": .string(train), "model_type": "logistic", "threshold_folds": 0]))
        #expect(skipped.outputs["threshold"] == nil)
        #expect(skipped.metrics["threshold_seconds"] == nil)
        do {
            _ = try await TrainStep().run(try context("train", ["features": .string(train), "threshold_folds": 1]))
            Issue.record("expected an error")
        } catch let error as StepError {
            #expect("\(error)" == "with.threshold_folds: expected auto, 0 (no threshold search) or an integer ≥ 2, got number 1")
            #expect(error.isPermanent)
        }
    }

    /// `auto` (the default) searches on a small table and not on a large one, where it would cost
    /// several fits; a number searches whatever the size.
    @Test func autoSearchesOnlyUpToItsRowBound() async throws {
        #expect(DecisionThreshold.autoFolds(rows: DecisionThreshold.autoMaxRows) == DecisionThreshold.defaultFolds)
        #expect(DecisionThreshold.autoFolds(rows: DecisionThreshold.autoMaxRows + 1) == 0)
        let train = try table("train.csv", rows: 300, seed: 1)
        let auto = try await TrainStep().run(
            try context("train", ["features": .string(train), "model_type": "logistic", "threshold_folds": "auto"]))
        #expect(auto.outputs["threshold"] != nil)
        let given = try await TrainStep().run(
            try context("train", ["features": .string(train), "model_type": "logistic", "threshold_folds": 3]))
        #expect(given.outputs["threshold"] != nil)

        let large = try table("large.csv", rows: DecisionThreshold.autoMaxRows + 1, seed: 3)
        let log = LogLines()
        let skipped = try await TrainStep().run(
            try context("train", ["features": .string(large), "model_type": "logistic"], log: log.logger))
        #expect(skipped.outputs["threshold"] == nil)
        #expect(skipped.metrics["threshold_seconds"] == nil)
        #expect(log.lines.contains { $0.hasPrefix("no decision threshold search: \(DecisionThreshold.autoMaxRows + 1) training rows") })
    }

    @Test func theStepsSlotsBoundXGBoostsThreads() async throws {
        let train = try table("train.csv", rows: 200, seed: 1)
        var one = try context(
            "train", ["features": .string(train), "model_type": "gradient_boosting", "max_iter": 5, "threshold_folds": 0])
        one.slots = 1
        #expect(one.threads == 1)
        let trained = try await TrainStep().run(one)
        let model = try TrainedModel.load(from: URL(fileURLWithPath: trained.outputs["model"]!.stringValue!))
        #expect(model.hyperparameters["nthread"] == "1")
        var many = try context("train", ["features": .string(train)])
        many.slots = 1000
        #expect(many.threads == ProcessInfo.processInfo.activeProcessorCount, "never more threads than cores")
        many.slots = nil
        #expect(many.threads == ProcessInfo.processInfo.activeProcessorCount)
    }
}
