import FlowSpec
import Foundation
import Steps
import Testing

/// Leaf sizes are named for what they count: rows for a forest, hessians for boosting.
@Suite struct TreeParameterTests: StepScratch {
    let dir = Self.newDirectory()

    @Test func eachLeafSizeIsRefusedWhereItWouldMeanSomethingElse() async throws {
        let table = try write("t.csv", "id,label,x\n" + (0..<20).map { "r\($0),\($0 % 2),\($0)\n" }.joined())
        let cases: [([String: Value], String)] = [
            (
                ["model_type": "gradient_boosting", "min_samples_leaf": 5],
                "with.min_samples_leaf: gradient boosting bounds leaves by min_child_weight, XGBoost's sum of hessians (rows only for a regression), not by rows: set min_child_weight"
            ),
            (
                ["model_type": "random_forest", "min_child_weight": 1],
                "with.min_child_weight: a random forest's leaf size is min_samples_leaf, in rows"
            ),
            (
                ["model_type": "random_forest", "min_samples_leaf": 0],
                "with.min_samples_leaf: expected an integer ≥ 1 (rows), got number 0"
            ),
            (
                ["model_type": "random_forest", "max_samples": 1.5],
                "with.max_samples: expected a fraction of the rows in (0, 1], got number 1.5"
            ),
            (["model_type": "random_forest", "max_depth": 0], "with.max_depth: expected an integer ≥ 1, got number 0"),
            (["model_type": "logistic", "class_weight": "auto"], "with.class_weight: expected none or balanced, got string \"auto\""),
        ]
        for (parameters, expected) in cases {
            do {
                _ = try await TrainStep().run(try context("train", parameters.merging(["features": .string(table)]) { a, _ in a }))
                Issue.record("expected an error for \(parameters)")
            } catch let error as StepError {
                #expect("\(error)" == expected)
                #expect(error.isPermanent)
            }
        }
        let forest = try await TrainStep().run(
            try context(
                "train",
                [
                    "features": .string(table), "model_type": "random_forest",
                    "min_samples_leaf": 3, "max_depth": .null, "bootstrap": false,
                ]))
        #expect(forest.outputs["model"] != nil)
    }
}
