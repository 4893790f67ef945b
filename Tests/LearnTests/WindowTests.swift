import Foundation
import Testing

@testable import Learn

/// Windows follow the exams: a fraction of each exam's length, never longer than the exam (and
/// said so once), and the columns they make useless are dropped before training.
@Suite struct WindowTests {
    /// Exams of the given lengths; `x` varies within each exam, `flat` is the same everywhere.
    static func exams(_ lengths: [Int]) throws -> URL {
        var text = "exam_id,timestamp,x,flat,label\n"
        for (k, n) in lengths.enumerated() {
            for t in 0..<n { text += "E\(k),\(t),\(sin(Double(t * (k + 1)) / 3) + Double(k)),7,\(k % 2 == 0 ? "a" : "b")\n" }
        }
        return try csvFile(text)
    }

    func run(_ url: URL, window: WindowLength, step: WindowLength? = nil) throws -> Preprocessor.Result {
        var pre = Preprocessor()
        pre.window = window
        pre.step = step
        pre.split = .stratified(testFraction: 0.25, seed: 1)
        return try pre.run(csv: url, displayName: "exams.csv")
    }

    @Test func lengthsFromParameters() {
        #expect(WindowLength(50) == .samples(50))
        #expect(WindowLength(0.25) == .fraction(0.25))
        #expect(WindowLength(0) == nil && WindowLength(1.5) == nil && WindowLength(-3) == nil)
        #expect(WindowLength.fraction(0.25).samples(in: 84, least: 2) == 21)
        #expect(WindowLength.fraction(0.25).samples(in: 5, least: 2) == 2)
        #expect(WindowLength.samples(50).samples(in: 29, least: 2) == 29)
        #expect(WindowLength.samples(50).clips(29) && !WindowLength.samples(50).clips(50))
        #expect(!WindowLength.fraction(0.9).clips(3))
    }

    @Test func windowsLongerThanTheExamsAreClippedOnceSaidAndTheirCopiesDropped() throws {
        let lengths = [7, 12, 29, 20, 9, 15, 60, 80, 70, 90, 55, 65]
        let result = try run(try Self.exams(lengths), window: .samples(50))
        #expect(result.counts["exams_shorter_than_window"] == 6)
        #expect(result.train.ids.contains { ["E6", "E7", "E8", "E9", "E10", "E11"].contains($0) })
        let notes = result.notes.filter { $0.hasPrefix("window ") }
        #expect(
            notes == [
                "window 50 samples is longer than 6 of 12 exams (7–29 samples after cleaning): their windows were clipped to the exam, so their window features repeat the whole exam's; a fraction such as window: 0.25 follows each exam's length"
            ])
        // `flat` is constant: its 9 features go. x's window mean and std are not copies of its mean and
        // std (some train exams are longer than the window), but no exam has room for a second window
        // of 50: the smallest window mean is the largest, a copy.
        #expect(result.counts["features_dropped_constant"] == 9)
        #expect(result.dropped.constant.allSatisfy { $0.hasPrefix("flat_") })
        #expect(result.dropped.duplicates == ["x_win_mean_min": "x_win_mean_max"])
        #expect(result.counts["features"] == 8 && result.train.featureNames.allSatisfy { $0.hasPrefix("x_") }, "\(result.dropped)")
        #expect(result.test.featureNames == result.train.featureNames)
    }

    @Test func whenEveryExamIsShorterTheWindowStatisticsAreCopiesAndGo() throws {
        let result = try run(try Self.exams([7, 12, 29, 20, 9, 15, 11, 8]), window: .samples(50))
        #expect(result.counts["exams_shorter_than_window"] == 8)
        // win_mean_max = win_mean_min = mean, win_std_mean = std.
        #expect(result.dropped.duplicates == ["x_win_mean_max": "x_mean", "x_win_mean_min": "x_mean", "x_win_std_mean": "x_std"])
        #expect(result.counts["features_dropped_duplicate"] == 3)
        #expect(result.train.featureNames == ["x_mean", "x_std", "x_min", "x_max", "x_last", "x_slope"])
        #expect(
            result.notes.contains {
                $0.hasPrefix(
                    "dropped 12 of 18 feature columns before training: 9 constant over the train exams (flat_mean, flat_std, flat_min, …); 3 equal to an earlier column (x_win_mean_max = x_mean"
                )
            })
    }

    @Test func aFractionFollowsEachExam() throws {
        let result = try run(try Self.exams([7, 12, 29, 20, 9, 15, 11, 8]), window: .fraction(0.25))
        #expect(result.counts["exams_shorter_than_window"] == 0)
        #expect(!result.notes.contains { $0.hasPrefix("window ") })
        #expect(result.counts["features_dropped_duplicate"] == 0)
        #expect(result.train.featureNames.contains("x_win_mean_max"))
        // Each exam's window statistics differ from its whole-exam ones.
        let all = result.train
        let mean = all.featureNames.firstIndex(of: "x_mean")!, top = all.featureNames.firstIndex(of: "x_win_mean_max")!
        for r in 0..<all.rowCount { #expect(all[r, top] > all[r, mean]) }
    }
}
