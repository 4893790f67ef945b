import Foundation

/// Realistic, messy exam data for demos and benchmarks, the same for the same seed.
///
/// Four channels at 10 Hz. Failing exams (about 30%) run slightly hotter with a stronger drift,
/// at lower pressure, with more vibration spikes — learnable, but noise and overlap keep a good
/// model well below 100% accuracy. The file also has what real benches produce: missing and
/// malformed cells, duplicated rows and out-of-order timestamps.
public struct ExamDataGenerator {
    public var exams: Int
    public var samplesPerExam: Int
    public var seed: UInt64

    public init(exams: Int = 200, samplesPerExam: Int = 200, seed: UInt64 = 7) {
        self.exams = exams
        self.samplesPerExam = samplesPerExam
        self.seed = seed
    }

    public static let header = "exam_id,timestamp,temperature,pressure,vibration,current,label"

    /// Writes the CSV to `url` in blocks (large files never sit in memory); returns the rows written.
    @discardableResult
    public func write(to url: URL) throws -> Int {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var rng = SplitMix64(seed: seed)
        var out = Self.header + "\n"
        var rows = 0
        let start = 1_767_225_600.0  // 2026-01-01T00:00:00Z
        for e in 0..<exams {
            let fail = Double.random(in: 0..<1, using: &rng) < 0.3
            // Each exam's own offsets, so exams of one class still differ.
            let base = (temp: 60 + rng.normal() * 3, pressure: 5 + rng.normal() * 0.4, current: 12 + rng.normal() * 0.8)
            let drift = (fail ? 0.012 : 0.006) + rng.normal() * 0.005
            let pressureShift = fail ? -0.25 + rng.normal() * 0.2 : rng.normal() * 0.2
            let spikeRate = fail ? 0.02 : 0.008
            let examStart = start + Double(e) * 3600
            let id = String(format: "EX%05d", e + 1)
            var lines: [String] = []
            lines.reserveCapacity(samplesPerExam)
            for s in 0..<samplesPerExam {
                let t = Double(s) / 10
                let temperature = base.temp + drift * Double(s) + rng.normal() * 0.6
                let pressure = base.pressure + pressureShift + 0.3 * sin(t / 3) + rng.normal() * 0.15
                var vibration = 0.5 + abs(rng.normal()) * 0.2
                if Double.random(in: 0..<1, using: &rng) < spikeRate { vibration += 2 + abs(rng.normal()) * 2 }
                let current = base.current + 0.05 * temperature / 60 + rng.normal() * 0.3
                var cells = [String(format: "%.3f", temperature), String(format: "%.4f", pressure),
                             String(format: "%.4f", vibration), String(format: "%.3f", current)]
                // Missing and malformed cells.
                for c in cells.indices {
                    let roll = Double.random(in: 0..<1, using: &rng)
                    if roll < 0.01 { cells[c] = ["", "NaN", "NA", "n/a", "null"][Int.random(in: 0..<5, using: &rng)] }
                    else if roll < 0.012 { cells[c] = ["err", "#VALUE!", "--"][Int.random(in: 0..<3, using: &rng)] }
                }
                let stamp = Self.iso(examStart + t)
                lines.append("\(id),\(stamp),\(cells.joined(separator: ",")),\(fail ? "fail" : "pass")")
                if Double.random(in: 0..<1, using: &rng) < 0.005 { lines.append(lines[lines.count - 1]) }  // duplicated row
            }
            // Out-of-order timestamps: swap a few neighbours.
            for i in stride(from: 1, to: lines.count, by: 1) where Double.random(in: 0..<1, using: &rng) < 0.01 {
                lines.swapAt(i, i - 1)
            }
            rows += lines.count
            out += lines.joined(separator: "\n") + "\n"
            if out.utf8.count > 1 << 22 {
                try handle.write(contentsOf: Data(out.utf8))
                out = ""
            }
        }
        try handle.write(contentsOf: Data(out.utf8))
        return rows
    }

    static func iso(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let ms = Int(((seconds - Double(whole)) * 1000).rounded())
        let days = whole / 86400, rest = whole % 86400
        let (y, m, d) = civil(fromDays: days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, rest / 3600, rest % 3600 / 60, rest % 60, ms)
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
