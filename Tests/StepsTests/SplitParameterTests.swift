import FlowSpec
import Foundation
import Learn
import Steps
import Testing

/// `preprocess`'s split parameters as a workflow passes them: the pipeline's empty defaults mean
/// "not set", conflicts are configuration errors, and the split made is in the outputs.
@Suite struct SplitParameterTests: StepScratch {
    let dir = Self.newDirectory()

    func exams() throws -> String {
        var text = "exam_id,timestamp,x,set,label\n"
        for (k, id) in ["a_train_1", "a_train_2", "a_test_1", "a_train_3", "a_test_2", "a_train_4"].enumerated() {
            for t in 0..<5 { text += "\(id),\(t),\(k * t),\(id.contains("test") ? "TEST" : "train"),\(k % 2 == 0 ? "pass" : "fail")\n" }
        }
        return try write("exams.csv", text)
    }

    @Test func testExamsFromThePipelineParam() async throws {
        let input = try exams()
        let log = LogLines()
        let result = try await PreprocessStep().run(
            try context(
                "p",
                [
                    "input": .string(input), "window": 2, "split": "exam", "test_exams": "_test_", "split_column": "", "channels": ["x"],
                ], log: log.logger))
        #expect(result.outputs["split"] == "test_exams")
        #expect(result.outputs["test_counts"] == .map(["pass": 2]))
        #expect(result.outputs["train_counts"] == .map(["pass": 1, "fail": 3]))
        #expect(log.lines.contains("split: test_exams: ids matching /_test_/ are the test set"))
        #expect(log.lines.contains("per class (train/test): fail 3/0, pass 1/2"))
    }

    @Test func splitColumnFromThePipelineParam() async throws {
        let input = try exams()
        let result = try await PreprocessStep().run(
            try context("p", ["input": .string(input), "window": 2, "test_exams": "", "split_column": "set"]))
        #expect(result.outputs["split"] == "split_column")
        let test = try FeatureTable.read(from: URL(fileURLWithPath: result.outputs["test_features"]!.stringValue!))
        #expect(test.ids == ["a_test_1", "a_test_2"])
        #expect(!test.featureNames.contains { $0.hasPrefix("set_") })
    }

    @Test func conflictingSplitParametersAreConfigurationErrors() async throws {
        let input = try exams()
        let cases: [([String: Value], String)] = [
            (
                ["test_exams": "_test_", "split_column": "set"],
                "with.test_exams and with.split_column both name the test set: set one of them"
            ),
            (
                ["split": "time", "test_exams": "_test_"],
                "with.split: time chooses the test set by time; with.test_exams names it: set one of them"
            ),
            (["test_exams": "("], "with.test_exams: expected a regular expression over exam ids, got string \"(\""),
            (["split": "random"], "with.split: expected exam or time (or set test_exams or split_column), got string \"random\""),
        ]
        for (parameters, expected) in cases {
            do {
                _ = try await PreprocessStep().run(try context("p", parameters.merging(["input": .string(input)]) { a, _ in a }))
                Issue.record("expected an error for \(parameters)")
            } catch let error as StepError {
                #expect("\(error)" == expected)
                #expect(error.isPermanent)
            }
        }
    }
}

/// `task` as the exam pipeline passes it to preprocess and train.
@Suite struct TaskParameterTests: StepScratch {
    let dir = Self.newDirectory()

    /// 24 exams labelled with integer ids 1…12 (two each).
    func exams() throws -> String {
        var text = "exam_id,timestamp,x,label\n"
        for k in 0..<24 { for t in 0..<5 { text += "E\(k),\(t),\(Double(k % 12) + 0.1 * Double(t)),\(k % 12 + 1)\n" } }
        return try write("exams.csv", text)
    }

    @Test func integerIdsAreClassesUnlessTheTaskSaysOtherwise() async throws {
        let input = try exams()
        let log = LogLines()
        let auto = try await PreprocessStep().run(
            try context("p", ["input": .string(input), "window": 2, "task": "auto", "test_fraction": 0.5], log: log.logger))
        #expect(auto.outputs["task"] == "classification")
        #expect(auto.outputs["test_counts"]?.mapValue?.count == 12, "stratified: one exam of each of the 12 classes")
        #expect(log.lines.contains("task: classification (task auto: 12 distinct labels, all integers: class ids; set task to override)"))
        let trained = try await TrainStep().run(
            try context("t", ["features": auto.outputs["train_features"]!, "model_type": "logistic", "task": "auto"]))
        #expect(trained.outputs["task"] == "classification")

        let regression = try await PreprocessStep().run(try context("p2", ["input": .string(input), "window": 2, "task": "regression"]))
        #expect(regression.outputs["task"] == "regression" && regression.outputs["train_counts"] == .map([:]))
        let ridge = try await TrainStep().run(
            try context("t2", ["features": regression.outputs["train_features"]!, "model_type": "linear", "task": "regression"]))
        #expect(ridge.outputs["task"] == "regression")
    }

    @Test func anUnknownTaskIsAConfigurationError() async throws {
        let input = try exams()
        for step in [PreprocessStep() as any Step, TrainStep()] {
            do {
                _ = try await step.run(try context("p", ["input": .string(input), "features": .string(input), "task": "clustering"]))
                Issue.record("expected an error")
            } catch let error as StepError {
                #expect("\(error)" == "with.task: expected auto, classification or regression, got string \"clustering\"")
                #expect(error.isPermanent)
            }
        }
    }
}
