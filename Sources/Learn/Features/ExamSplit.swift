import Foundation

/// Which side of the split an exam is on.
public enum ExamSide: String, Sendable {
    case train, test

    /// A split column's cell: `train` or `test` in any case, surrounded by spaces or not; nil when
    /// empty; `.failure` for anything else.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ExamSide?? {
        var lo = 0, hi = bytes.count
        while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
        if lo == hi { return .some(nil) }
        func equals(_ word: StaticString) -> Bool {
            guard hi - lo == word.utf8CodeUnitCount else { return false }
            for i in 0..<(hi - lo) where bytes[lo + i] | 0x20 != word.utf8Start[i] { return false }
            return true
        }
        if equals("train") { return .some(.train) }
        if equals("test") { return .some(.test) }
        return nil
    }
}

/// How `preprocess` divides exams into train and test. An exam is never on both sides.
public enum ExamSplit: Sendable, Equatable {
    /// A seeded shuffle, stratified by class for a classification task: `testFraction` of each class.
    case stratified(testFraction: Double, seed: UInt64)
    /// The latest `testFraction` of exams by their first timestamp are the test set; exams that
    /// start at the same instant are ordered as the file first names them.
    case time(testFraction: Double)
    /// Exams whose id contains a match of this regular expression are the test set (an archive's
    /// own split, such as `_test_`); anchor it (`^…$`) to match whole ids.
    case testExams(pattern: String)
    /// A column holding `train` or `test` (any case) places each exam; every row of an exam that
    /// has a value must have the same one.
    case column(name: String)

    /// The name of the rule as the step's outputs give it.
    public var kind: String {
        switch self {
        case .stratified: "stratified"
        case .time: "time"
        case .testExams: "test_exams"
        case .column: "split_column"
        }
    }

    /// The rule in words, for the log.
    public var summary: String {
        switch self {
        case .stratified(let fraction, let seed): "seeded shuffle stratified by class (test_fraction \(fraction), seed \(seed))"
        case .time(let fraction): "by time: the latest \(fraction) of exams by first timestamp (ties in file order)"
        case .testExams(let pattern): "test_exams: ids matching /\(pattern)/ are the test set"
        case .column(let name): "split_column: column '\(name)' says train or test"
        }
    }

    /// Compiles a `testExams` pattern; the error says what is wrong with it.
    public static func regex(_ pattern: String) throws -> Regex<AnyRegexOutput> {
        do { return try Regex(pattern) } catch {
            throw LearnError.badData("test_exams: '\(pattern)' is not a regular expression: \(error)")
        }
    }
}

/// The split that was made: what each side holds.
public struct SplitSummary: Sendable, Equatable {
    public var rule: ExamSplit
    /// Rows per class on each side (classification); empty for regression.
    public var trainCounts: [String: Int] = [:]
    public var testCounts: [String: Int] = [:]
}

/// Splits samples (exams, or windows of one series) into train and test rows.
enum ExamSplitter {
    struct Sample {
        var id: String
        var label: String
        var start: Double
        /// From a split column; nil when it had none.
        var side: ExamSide?
        /// The sample's first row in the file (for errors).
        var firstRow: Int
    }

    /// - Returns: row indices of train and test, each in ascending order.
    static func split(_ samples: [Sample], rule: ExamSplit, classification: Bool, file: String) throws -> (train: [Int], test: [Int]) {
        let n = samples.count
        var test: [Int]
        switch rule {
        case .time(let fraction):
            let order = (0..<n).sorted { (samples[$0].start, $0) < (samples[$1].start, $1) }
            test = Array(order.suffix(testCount(n, fraction)))
        case .stratified(let fraction, let seed):
            var rng = SplitMix64(seed: seed)
            let strata: [String: [Int]] = classification ? Dictionary(grouping: 0..<n, by: { samples[$0].label }) : ["all": Array(0..<n)]
            test = []
            for key in strata.keys.sorted() {
                var rows = strata[key]!
                rows.shuffle(using: &rng)
                test += rows.prefix(rows.count > 1 ? testCount(rows.count, fraction) : 0)
            }
        case .testExams(let pattern):
            let regex = try ExamSplit.regex(pattern)
            test = try (0..<n).filter { try regex.firstMatch(in: samples[$0].id) != nil }
            let examples = samples.prefix(3).map { "'\($0.id)'" }.joined(separator: ", ")
            if test.isEmpty {
                throw LearnError.badData(
                    "\(file): test_exams /\(pattern)/ matches none of the \(n) exam ids (such as \(examples)): the test set would be empty")
            }
            if test.count == n {
                throw LearnError.badData(
                    "\(file): test_exams /\(pattern)/ matches all \(n) exam ids (such as \(examples)): nothing is left to train on")
            }
        case .column(let name):
            test = []
            for (i, sample) in samples.enumerated() {
                guard let side = sample.side else {
                    throw LearnError.badData(
                        "\(file): row \(sample.firstRow): exam '\(sample.id)' has no train/test value in column '\(name)' on any of its rows"
                    )
                }
                if side == .test { test.append(i) }
            }
            if test.isEmpty || test.count == n {
                throw LearnError.badData(
                    "\(file): column '\(name)' puts all \(n) exams in the \(test.isEmpty ? "train" : "test") set: both sides need exams")
            }
        }
        test.sort()
        var isTest = [Bool](repeating: false, count: n)
        for i in test { isTest[i] = true }
        return ((0..<n).filter { !isTest[$0] }, test)
    }

    private static func testCount(_ n: Int, _ fraction: Double) -> Int {
        min(n - 1, max(1, Int((Double(n) * min(max(fraction, 0), 0.9)).rounded())))
    }
}
