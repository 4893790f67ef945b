import Foundation
import Testing

@testable import Learn

/// The preprocess work on files cut into many chunks: same result as one read, memory bounded by
/// the exams in flight, exams whose rows are apart gathered correctly.
@Suite struct PreprocessorTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pre-\(UUID().uuidString)")

    func sample(exams: Int, samples: Int) throws -> URL {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("exams.csv")
        try ExamDataGenerator(exams: exams, samplesPerExam: samples, seed: 11).write(to: url)
        return url
    }

    func run(_ url: URL, blockSize: Int) throws -> Preprocessor.Result {
        var pre = Preprocessor()
        pre.window = .samples(10)
        pre.blockSize = blockSize
        return try pre.run(csv: url)
    }

    @Test func smallChunksGiveTheSameTablesAndHoldFewRows() throws {
        let url = try sample(exams: 60, samples: 40)
        let whole = try run(url, blockSize: 1 << 24)
        let small = try run(url, blockSize: 512)
        #expect(small.train.ids == whole.train.ids)
        #expect(small.train.values.elementsEqual(whole.train.values) { $0.bitPattern == $1.bitPattern })
        #expect(small.test.values.elementsEqual(whole.test.values) { $0.bitPattern == $1.bitPattern })
        #expect(small.counts == whole.counts)
        // One read holds the file: 60 exams × ~40 rows. Small chunks hold a few exams at a time.
        #expect(whole.peakRowsHeld > 2000)
        #expect(small.peakRowsHeld < 200, "rows held at once: \(small.peakRowsHeld)")
    }

    @Test func examsWhoseRowsAreApartAreGathered() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func rows(_ exam: String, _ times: ClosedRange<Int>, _ label: String) -> String {
            times.map { "\(exam),\($0),\(Double($0) * (exam == "A" ? 1 : -2)),\(label)\n" }.joined()
        }
        let together = dir.appendingPathComponent("together.csv"), apart = dir.appendingPathComponent("apart.csv")
        let header = "exam_id,timestamp,x,label\n"
        try (header + rows("A", 1...6, "pass") + rows("B", 1...6, "fail") + rows("C", 1...6, "pass") + rows("D", 1...6, "fail"))
            .write(to: together, atomically: true, encoding: .utf8)
        try
            (header + rows("A", 1...3, "pass") + rows("B", 1...6, "fail") + rows("C", 1...3, "pass") + rows("A", 4...6, "pass")
            + rows("D", 1...6, "fail") + rows("C", 4...6, "pass")).write(to: apart, atomically: true, encoding: .utf8)
        for blockSize in [32, 1 << 20] {
            let a = try run(together, blockSize: blockSize), b = try run(apart, blockSize: blockSize)
            #expect(b.train.ids + b.test.ids == a.train.ids + a.test.ids)
            #expect(b.train.values == a.train.values && b.test.values == a.test.values)
            #expect(b.counts["rows_read"] == 24)
            #expect(b.notes.contains { $0.hasPrefix("2 exam(s) had their rows apart in the file (e.g. 'A')") }, "\(b.notes)")
        }
    }
}

extension PreprocessorTests {
    @Test func anEmptyExamIDIsAnExamLikeAnyOther() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("blank-ids.csv")
        try "exam_id,timestamp,x,label\n,1,1,pass\n,2,2,pass\nB,1,5,fail\nB,2,6,fail\n".write(to: url, atomically: true, encoding: .utf8)
        var pre = Preprocessor()
        pre.split = .stratified(testFraction: 0.5, seed: 42)
        let result = try pre.run(csv: url)
        #expect(Set(result.train.ids + result.test.ids) == ["", "B"])
    }
}
