import FlowSpec
import Foundation
import Learn
import Steps
import Testing

/// preprocess → train → evaluate called as the engine calls them, on generated exam data.
@Suite struct PipelineStepTests: StepScratch {
    let dir = Self.newDirectory()

    @Test func sampleDataEndToEnd() async throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try ExamDataGenerator(exams: 120, samplesPerExam: 80, seed: 3).write(to: dir.appendingPathComponent("exams.csv"))
        let pre = try await PreprocessStep().run(try context("preprocess", ["input": "exams.csv", "window": 20]))
        #expect(pre.metrics["exams"] == 120)
        #expect(pre.metrics["train_exams"]! + pre.metrics["test_exams"]! == 120)
        #expect(pre.metrics["rows_dropped_duplicate"]! > 0, "the generator writes duplicated rows")
        // No exam on both sides.
        let train = try FeatureTable.read(from: URL(fileURLWithPath: pre.outputs["train_features"]!.stringValue!))
        let test = try FeatureTable.read(from: URL(fileURLWithPath: pre.outputs["test_features"]!.stringValue!))
        #expect(Set(train.ids).isDisjoint(with: test.ids))
        let trained = try await TrainStep().run(
            try context("train", ["features": pre.outputs["train_features"]!, "model_type": "gradient_boosting"]))
        let evaluated = try await EvaluateStep().run(
            try context("evaluate", ["model": trained.outputs["model"]!, "features": pre.outputs["test_features"]!]))
        let accuracy = try #require(evaluated.metrics["accuracy"])
        #expect(accuracy > 0.6 && accuracy < 1.0, "learnable but not trivial: \(accuracy)")
        #expect(evaluated.outputs["plots"]?.listValue?.count == 3)
    }

    /// Each built-in step says what it reads before reading it: a large table takes seconds, and an
    /// empty log in the meantime looks like a hang.
    @Test func eachStepsFirstLineNamesWhatItReads() async throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try ExamDataGenerator(exams: 60, samplesPerExam: 40, seed: 5).write(to: dir.appendingPathComponent("exams.csv"))
        let lines = LockedLines()
        let log = StepLogger { lines.append($0) }
        let pre = try await PreprocessStep().run(try context("preprocess", ["input": "exams.csv", "window": 10], log: log))
        #expect(lines.take().first?.hasPrefix("reading ") == true)
        let trained = try await TrainStep().run(
            try context("train", ["features": pre.outputs["train_features"]!, "model_type": "logistic"], log: log))
        #expect(lines.take().first == "reading \(pre.outputs["train_features"]!.stringValue!)")
        _ = try await EvaluateStep().run(
            try context("evaluate", ["model": trained.outputs["model"]!, "features": pre.outputs["test_features"]!], log: log))
        #expect(lines.take().first == "reading \(pre.outputs["test_features"]!.stringValue!)")
    }

    @Test func missingColumnSuggestsTheClosest() async throws {
        let input = try write("typo.csv", "exam,timestamp,temp,label\nA,1,2,pass\nB,1,3,fail\n")
        do {
            _ = try await PreprocessStep().run(try context("p", ["input": .string(input)]))
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "typo.csv: no group column 'exam_id'; did you mean 'exam'? (columns: exam, timestamp, temp, label)")
        }
    }

    @Test func badInputNamesRowAndColumn() async throws {
        let cases: [(String, String)] = [
            ("a.csv", "exam_id,timestamp,x,label\nA,1,1,pass\nA,yesterday,2,pass\n"),
            ("b.csv", "exam_id,timestamp,x,label\nA,1,,pass\nB,2,n/a,fail\n"),
            ("c.csv", "exam_id,timestamp,x,label\nA,1,1,pass\n"),
        ]
        let expected = [
            "a.csv: row 3, column 'timestamp': 'yesterday' is not a timestamp (ISO 8601 or epoch seconds/milliseconds)",
            "b.csv: column 'x' has no numeric value in any of its 2 rows",
            "c.csv: 1 sample(s) after cleaning; at least 2 are needed to split into train and test",
        ]
        for ((name, text), message) in zip(cases, expected) {
            let input = try write(name, text)
            await #expect(throws: (any Error).self) { try await PreprocessStep().run(try context("p", ["input": .string(input)])) }
            do { _ = try await PreprocessStep().run(try context("p", ["input": .string(input)])) } catch { #expect("\(error)" == message) }
        }
    }

    @Test func oneSampleExamsAndDuplicateTimestampsDoNotCrash() async throws {
        let input = try write(
            "odd.csv",
            """
            exam_id,timestamp,x,label
            A,1,1,pass
            B,1,2,fail
            B,1,5,fail
            B,2,3,fail
            C,1,1,pass
            D,3,9,fail
            """)
        let result = try await PreprocessStep().run(try context("p", ["input": .string(input), "test_fraction": 0.5]))
        #expect(result.metrics["exams"] == 4)
        #expect(result.metrics["rows_dropped_duplicate_time"] == 1)
    }
}

/// Log lines collected from a step, taken in batches.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }

    /// The lines so far, and none kept.
    func take() -> [String] {
        lock.withLock {
            defer { lines = [] }
            return lines
        }
    }
}
