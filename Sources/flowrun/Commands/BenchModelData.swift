import Foundation
import Learn

/// The data sets of `flowrun bench models`: exam CSVs in long format with a known structure, each
/// with a fixed split (test exams named `…_test_…`, as an archive's own split), the same for the
/// same seed. Every set is learnable but noisy (per-exam offsets, noise), so no model is perfect.
struct BenchModelData: Sendable {
    let name: String
    let description: String
    /// What preprocess is given besides the input: the split and the window.
    let preprocess: @Sendable (inout Preprocessor) -> Void
    /// Writes the CSV; the header is `exam_id,timestamp,<channels>,label`.
    let write: @Sendable (URL, UInt64) throws -> Void

    /// A long-format writer: one exam at a time, rows as `id,t,values…,label`.
    struct Writer {
        var text: String

        init(channels: [String]) { text = "exam_id,timestamp," + channels.joined(separator: ",") + ",label\n" }

        mutating func exam(_ id: String, label: String, start: Double, rows: [[Double]]) {
            for (i, row) in rows.enumerated() {
                text += "\(id),\(start + Double(i)),"
                text += row.map { $0.rounded() == $0 && abs($0) < 1e15 ? String(Int($0)) : String(format: "%.5f", $0) }.joined(
                    separator: ",")
                text += ",\(label)\n"
            }
        }
    }

    /// Exam `e` of `count` is a test exam when e % 4 == 3: a quarter, spread over classes and time.
    static func id(_ prefix: String, _ e: Int) -> String {
        "\(prefix)_\(e % 4 == 3 ? "test" : "train")_\(String(format: "%04d", e))"
    }

    static let all: [BenchModelData] = [sample, nineClasses, shortUneven, imbalanced, continuous]

    /// `flowrun sample-data`'s exams (pass/fail, 4 channels, 10 Hz, messy cells): its split is the
    /// seeded stratified one, as the exam pipeline's default.
    static let sample = BenchModelData(
        name: "sample", description: "flowrun sample-data: 800 exams × 300 samples, pass/fail (30 % fail), seeded stratified split",
        preprocess: { $0.split = .stratified(testFraction: 0.25, seed: 42) },
        write: { url, seed in try ExamDataGenerator(exams: 800, samplesPerExam: 300, seed: seed).write(to: url) })

    /// Nine classes that differ in the frequency and level of one channel and the spread of another.
    static let nineClasses = BenchModelData(
        name: "nine_classes", description: "9 classes, 900 exams × 100 samples, 3 channels (frequency, level, spread by class)",
        preprocess: { $0.split = .testExams(pattern: "_test_") },
        write: { url, seed in
            var rng = SplitMix64(seed: seed)
            var w = Writer(channels: ["wave", "level", "noise"])
            for e in 0..<900 {
                let c = e % 9
                let frequency = 0.05 + 0.02 * Double(c % 3) + 0.004 * rng.normal()
                let level = Double(c / 3) * 0.6 + 0.5 * rng.normal()
                let spread = 0.6 + 0.25 * Double((c + c / 3) % 3) + 0.1 * rng.normal()
                let rows = (0..<100).map { t -> [Double] in
                    [sin(2 * .pi * frequency * Double(t)) + 0.6 * rng.normal(), level + 0.4 * rng.normal(), spread * rng.normal()]
                }
                w.exam(id("nc", e), label: "k\(c)", start: Double(e) * 1000, rows: rows)
            }
            try w.text.write(to: url, atomically: true, encoding: .utf8)
        })

    /// Three classes in exams of 7 to 29 samples (the window of 50 is clipped to each).
    static let shortUneven = BenchModelData(
        name: "short_uneven", description: "3 classes, 600 exams of 7–29 samples, 2 channels (window 50 clipped)",
        preprocess: { $0.split = .testExams(pattern: "_test_") },
        write: { url, seed in
            var rng = SplitMix64(seed: seed)
            var w = Writer(channels: ["a", "b"])
            for e in 0..<600 {
                let c = e % 3
                let n = 7 + Int(rng.next() % 23)
                let offset = 0.5 * rng.normal()
                let trend = [0.0, 0.04, -0.04][c] + 0.02 * rng.normal()
                let rows = (0..<n).map { t -> [Double] in
                    [
                        offset + Double(c) * 0.35 + trend * Double(t) + rng.normal(),
                        offset + (c == 2 ? 0.6 : 0) * abs(rng.normal()) + 0.5 * rng.normal(),
                    ]
                }
                w.exam(id("su", e), label: ["low", "mid", "high"][c], start: Double(e) * 1000, rows: rows)
            }
            try w.text.write(to: url, atomically: true, encoding: .utf8)
        })

    /// One exam in nine is "rare": slightly hotter, with more events in a count channel.
    static let imbalanced = BenchModelData(
        name: "imbalanced", description: "binary, 1 in 9 rare, 900 exams × 60 samples, 2 channels and a count channel",
        preprocess: { $0.split = .testExams(pattern: "_test_") },
        write: { url, seed in
            var rng = SplitMix64(seed: seed)
            var w = Writer(channels: ["temp", "load", "events"])
            for e in 0..<900 {
                let rare = e % 9 == 4
                let heat = (rare ? 0.7 : 0) + 0.6 * rng.normal()
                let rate = (rare ? 1.2 : 0.6) * exp(0.4 * rng.normal())
                let rows = (0..<60).map { _ -> [Double] in
                    [20 + heat + rng.normal(), 5 + 0.5 * rng.normal(), Double(poisson(rate, &rng))]
                }
                w.exam(id("im", e), label: rare ? "rare" : "common", start: Double(e) * 1000, rows: rows)
            }
            try w.text.write(to: url, atomically: true, encoding: .utf8)
        })

    /// A continuous target: a hidden level drives one channel's mean and a count channel's rate.
    static let continuous = BenchModelData(
        name: "continuous", description: "regression, 600 exams × 80 samples, target = 10 + 3·level + noise; a count channel",
        preprocess: { $0.split = .testExams(pattern: "_test_") },
        write: { url, seed in
            var rng = SplitMix64(seed: seed)
            var w = Writer(channels: ["signal", "counts", "other"])
            for e in 0..<600 {
                let level = rng.normal()
                let target = 10 + 3 * level + 0.8 * rng.normal()
                let rows = (0..<80).map { _ -> [Double] in
                    [level + 1.5 * rng.normal(), Double(poisson(2 * exp(0.8 * level), &rng)), rng.normal()]
                }
                w.exam(id("co", e), label: String(format: "%.4f", target), start: Double(e) * 1000, rows: rows)
            }
            try w.text.write(to: url, atomically: true, encoding: .utf8)
        })

    /// A Poisson draw (Knuth's; rates here are small).
    static func poisson(_ rate: Double, _ rng: inout SplitMix64) -> Int {
        let limit = exp(-min(rate, 50))
        var k = 0, p = 1.0
        repeat {
            k += 1
            p *= Double.random(in: 0..<1, using: &rng)
        } while p > limit
        return k - 1
    }
}
