import Foundation
import Testing

@testable import Learn

/// The ways `preprocess` puts exams on the train or the test side: an archive's ids, a column, time.
@Suite struct ExamSplitTests {
    /// Exams of 4 rows each; `extra` is one more cell per exam (a split column's value) when given.
    static func exams(_ ids: [String], labels: [String], starts: [Int]? = nil, extra: [String]? = nil) -> String {
        var text = "exam_id,timestamp,x," + (extra == nil ? "" : "set,") + "label\n"
        for (k, id) in ids.enumerated() {
            let t0 = starts?[k] ?? 0
            for t in 0..<4 {
                text += "\(id),\(t0 + t),\(Double(k * 10 + t))," + (extra.map { "\($0[k])," } ?? "") + "\(labels[k])\n"
            }
        }
        return text
    }

    func run(_ text: String, _ split: ExamSplit, blockSize: Int = 1 << 20) throws -> Preprocessor.Result {
        var pre = Preprocessor()
        pre.window = .samples(2)
        pre.split = split
        pre.blockSize = blockSize
        return try pre.run(csv: try csvFile(text), displayName: "exams.csv")
    }

    func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func testExamsPicksTheIdsThatMatch() throws {
        let ids = ["set_train_001", "set_train_002", "set_train_003", "set_test_001", "set_train_004", "set_test_002"]
        let result = try run(Self.exams(ids, labels: ["a", "b", "a", "a", "b", "b"]), .testExams(pattern: "_test_"))
        #expect(result.test.ids == ["set_test_001", "set_test_002"])
        #expect(result.train.ids == ["set_train_001", "set_train_002", "set_train_003", "set_train_004"])
        #expect(result.split.trainCounts == ["a": 2, "b": 2] && result.split.testCounts == ["a": 1, "b": 1])
        #expect(result.split.rule.kind == "test_exams")
    }

    @Test func testExamsThatMatchNoneOrAllAreErrors() throws {
        let text = Self.exams(["A1", "A2", "B1"], labels: ["a", "b", "a"])
        #expect(
            message { try run(text, .testExams(pattern: "^C")) }
                == "exams.csv: test_exams /^C/ matches none of the 3 exam ids (such as 'A1', 'A2', 'B1'): the test set would be empty")
        #expect(
            message { try run(text, .testExams(pattern: "\\d$")) }
                == "exams.csv: test_exams /\\d$/ matches all 3 exam ids (such as 'A1', 'A2', 'B1'): nothing is left to train on")
        #expect(message { try run(text, .testExams(pattern: "(")) }.hasPrefix("test_exams: '(' is not a regular expression"))
    }

    @Test(arguments: [1 << 20, 40])
    func aSplitColumnPlacesEachExamWhateverItsCase(blockSize: Int) throws {
        let text = Self.exams(["A", "B", "C", "D"], labels: ["a", "b", "a", "b"], extra: ["train", " TEST ", "Train", "test"])
        let result = try run(text, .column(name: "set"), blockSize: blockSize)
        #expect(result.train.ids == ["A", "C"] && result.test.ids == ["B", "D"])
        #expect(!result.channels.contains("set"), "the split column is no channel")
        #expect(result.split.trainCounts == ["a": 2] && result.split.testCounts == ["b": 2])
    }

    @Test func aBadSplitValueNamesItsRow() throws {
        let text = Self.exams(["A", "B", "C"], labels: ["a", "b", "a"], extra: ["train", "validation", "test"])
        #expect(
            message { try run(text, .column(name: "set")) }
                == "exams.csv: row 6, column 'set': 'validation' is neither train nor test (any case; empty cells are ignored)")
    }

    @Test(arguments: [1 << 20, 40])
    func anExamOnBothSidesNamesBothRows(blockSize: Int) throws {
        var text = Self.exams(["A", "B", "C"], labels: ["a", "b", "a"], extra: ["train", "test", "train"])
        // Row 11 (exam C's third row) says test.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[10] = lines[10].replacingOccurrences(of: ",train,", with: ",Test,")
        text = lines.joined(separator: "\n")
        #expect(
            message { try run(text, .column(name: "set"), blockSize: blockSize) }
                .hasPrefix("exams.csv: row 11, column 'set': 'Test' for exam 'C', which row 10 put on the other side"))
    }

    @Test func anExamWithoutAValueIsNamedAndEmptyCellsAreIgnored() throws {
        var text = Self.exams(["A", "B", "C"], labels: ["a", "b", "a"], extra: ["train", "test", ""])
        #expect(
            message { try run(text, .column(name: "set")) }
                == "exams.csv: row 10: exam 'C' has no train/test value in column 'set' on any of its rows")
        // One value among empty cells is enough.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[11] = lines[11].replacingOccurrences(of: ",,", with: ",test,")
        text = lines.joined(separator: "\n")
        #expect(try run(text, .column(name: "set")).test.ids == ["B", "C"])
    }

    @Test func aMissingSplitColumnSuggestsTheClosest() throws {
        let text = Self.exams(["A", "B"], labels: ["a", "b"], extra: ["train", "test"])
        #expect(message { try run(text, .column(name: "sets")) }.hasPrefix("exams.csv: no split column 'sets'; did you mean 'set'?"))
    }

    @Test func timeOrdersByFirstTimestampThenByFileOrder() throws {
        // Every exam starts at the same instant: the last ones in the file are the test set.
        let ids = ["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8"]
        let labels = ["a", "b", "a", "b", "a", "b", "a", "b"]
        let tied = try run(Self.exams(ids, labels: labels, starts: Array(repeating: 100, count: 8)), .time(testFraction: 0.25))
        #expect(tied.test.ids == ["E7", "E8"])
        // Start times decide first: E1 and E2 start last.
        let starts = [500, 400, 0, 0, 100, 100, 100, 100]
        let ordered = try run(Self.exams(ids, labels: labels, starts: starts), .time(testFraction: 0.25))
        #expect(ordered.test.ids == ["E1", "E2"])
        let three = try run(Self.exams(ids, labels: labels, starts: [0, 0, 0, 0, 100, 100, 100, 100]), .time(testFraction: 0.375))
        #expect(three.test.ids == ["E6", "E7", "E8"])
        #expect(three.split.testCounts == ["a": 1, "b": 2])
    }

    @Test func stratifiedKeepsEachClassOnBothSides() throws {
        let ids = (0..<20).map { "E\($0)" }
        let labels = (0..<20).map { $0 < 12 ? "pass" : "fail" }
        let result = try run(Self.exams(ids, labels: labels), .stratified(testFraction: 0.25, seed: 7))
        #expect(result.split.testCounts == ["pass": 3, "fail": 2])
        #expect(result.split.trainCounts == ["pass": 9, "fail": 6])
    }
}
