import FlowSpec
import Foundation
import Learn
import Steps
import Testing

/// Which step failures another attempt cannot fix (the engine then stops retrying).
@Suite struct PermanentFailureTests: StepScratch {
    let dir = Self.newDirectory()

    func failure(_ body: () async throws -> StepResult) async -> (any Error)? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }

    static func isPermanent(_ error: (any Error)?) -> Bool {
        (error as? PermanentFailure)?.isPermanent == true
    }

    @Test func badInputIsPermanent() async throws {
        let empty = try write("empty.csv", "")
        let ragged = try write("ragged.csv", "exam_id,timestamp,x,label\nA,1,1,pass\nB,2\n")
        let noColumn = try write("nocolumn.csv", "exam,timestamp,x,label\nA,1,1,pass\n")
        let oneClass = try write("one.csv", "id,label,x0\nr0,pass,1\nr1,pass,2\nr2,pass,3\n")
        for input in [empty, ragged, noColumn] {
            let error = await failure { try await PreprocessStep().run(try context("preprocess", ["input": .string(input)])) }
            #expect(Self.isPermanent(error), "\(input): \(error.map { "\($0)" } ?? "no error")")
        }
        let error = await failure { try await TrainStep().run(try context("train", ["features": .string(oneClass)])) }
        #expect(Self.isPermanent(error), "\(error.map { "\($0)" } ?? "no error")")
        let badParameter = await failure {
            try await TrainStep().run(try context("train", ["features": .string(oneClass), "model_type": "svm"]))
        }
        #expect(Self.isPermanent(badParameter))
    }

    @Test func whatARetryMayFixIsNot() async throws {
        let missing = await failure { try await PreprocessStep().run(try context("preprocess", ["input": "nowhere.csv"])) }
        #expect(missing != nil && !Self.isPermanent(missing))
        #expect(!StepError.failed("exited with status 1").isPermanent)
        #expect(!LearnError.readFailed("input/output error").isPermanent)
        #expect(LearnError.badData("x").isPermanent)
    }

    /// The message says why the task is regression and where `task` is set.
    @Test func logisticOnAContinuousTargetSaysWhatToSet() async throws {
        let table = try write("continuous.csv", "id,label,x0\n" + (0..<30).map { "r\($0),\(Double($0) * 1.37 + 0.11),\($0)\n" }.joined())
        let error = await failure {
            try await TrainStep().run(try context("train", ["features": .string(table), "model_type": "logistic"]))
        }
        #expect(
            error.map { "\($0)" } == "continuous.csv: model_type logistic needs a classification target, but the task is regression "
                + "(task auto: labels are numbers with fractions); use model_type linear, random_forest or gradient_boosting, or, if the labels "
                + "are classes, set task to classification (the exam pipeline's param task, or the train step's with.task)")
        #expect(Self.isPermanent(error))
    }
}
