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
        // Rows are written as bytes: `String(format:)` per cell made 50 million rows take minutes.
        var out = Array((Self.header + "\n").utf8)
        var rows = 0
        let start = 1_767_225_600.0  // 2026-01-01T00:00:00Z
        let missing = ["", "NaN", "NA", "n/a", "null"].map { Array($0.utf8) }
        let malformed = ["err", "#VALUE!", "--"].map { Array($0.utf8) }
        for e in 0..<exams {
            let fail = Double.random(in: 0..<1, using: &rng) < 0.3
            // Each exam's own offsets, so exams of one class still differ.
            let base = (temp: 60 + rng.normal() * 3, pressure: 5 + rng.normal() * 0.4, current: 12 + rng.normal() * 0.8)
            let drift = (fail ? 0.012 : 0.006) + rng.normal() * 0.005
            let pressureShift = fail ? -0.25 + rng.normal() * 0.2 : rng.normal() * 0.2
            let spikeRate = fail ? 0.02 : 0.008
            let examStart = start + Double(e) * 3600
            let id = Array(String(format: "EX%05d", e + 1).utf8)
            let label = Array((fail ? ",fail" : ",pass").utf8)
            var lines: [[UInt8]] = []
            lines.reserveCapacity(samplesPerExam)
            for s in 0..<samplesPerExam {
                let t = Double(s) / 10
                let temperature = base.temp + drift * Double(s) + rng.normal() * 0.6
                let pressure = base.pressure + pressureShift + 0.3 * sin(t / 3) + rng.normal() * 0.15
                var vibration = 0.5 + abs(rng.normal()) * 0.2
                if Double.random(in: 0..<1, using: &rng) < spikeRate { vibration += 2 + abs(rng.normal()) * 2 }
                let current = base.current + 0.05 * temperature / 60 + rng.normal() * 0.3
                var line = id
                line.reserveCapacity(72)
                line.append(UInt8(ascii: ","))
                Self.appendISO(examStart + t, to: &line)
                for (value, decimals) in [(temperature, 3), (pressure, 4), (vibration, 4), (current, 3)] {
                    line.append(UInt8(ascii: ","))
                    // Missing and malformed cells.
                    let roll = Double.random(in: 0..<1, using: &rng)
                    if roll < 0.01 {
                        line += missing[Int.random(in: 0..<5, using: &rng)]
                    } else if roll < 0.012 {
                        line += malformed[Int.random(in: 0..<3, using: &rng)]
                    } else {
                        Self.appendFixed(value, decimals: decimals, to: &line)
                    }
                }
                line += label
                lines.append(line)
                if Double.random(in: 0..<1, using: &rng) < 0.005 { lines.append(line) }  // duplicated row
            }
            // Out-of-order timestamps: swap a few neighbours.
            for i in stride(from: 1, to: lines.count, by: 1) where Double.random(in: 0..<1, using: &rng) < 0.01 {
                lines.swapAt(i, i - 1)
            }
            rows += lines.count
            for line in lines {
                out += line
                out.append(UInt8(ascii: "\n"))
            }
            if out.count > 1 << 22 {
                try handle.write(contentsOf: out)
                out.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: out)
        return rows
    }

    /// `value` with `decimals` digits after the point, as `%.3f`/`%.4f` write it (the scaled value
    /// is rounded half away from zero; printf rounds the exact decimal — they differ only on ties).
    static func appendFixed(_ value: Double, decimals: Int, to out: inout [UInt8]) {
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = UInt64((abs(value) * Double(scale)).rounded())
        if value < 0 { out.append(UInt8(ascii: "-")) }  // as printf: -0.0004 is "-0.000"
        appendDigits(scaled / scale, minimum: 1, to: &out)
        out.append(UInt8(ascii: "."))
        appendDigits(scaled % scale, minimum: decimals, to: &out)
    }

    /// Decimal digits of `n`, zero-padded to `minimum`.
    static func appendDigits(_ n: UInt64, minimum: Int, to out: inout [UInt8]) {
        var digits: [UInt8] = []
        var n = n
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(n % 10))
            n /= 10
        } while n > 0
        for _ in digits.count..<max(minimum, digits.count) { out.append(UInt8(ascii: "0")) }
        out += digits.reversed()
    }

    /// `2026-01-01T00:00:00.100Z`
    static func appendISO(_ seconds: Double, to out: inout [UInt8]) {
        let whole = Int(seconds.rounded(.down))
        let ms = Int(((seconds - Double(whole)) * 1000).rounded())
        let days = whole / 86400, rest = whole % 86400
        let (y, m, d) = civil(fromDays: days)
        for (value, width, separator) in [
            (y, 4, "-"), (m, 2, "-"), (d, 2, "T"), (rest / 3600, 2, ":"), (rest % 3600 / 60, 2, ":"),
            (rest % 60, 2, "."), (ms, 3, "Z"),
        ] as [(Int, Int, Character)] {
            appendDigits(UInt64(value), minimum: width, to: &out)
            out.append(UInt8(ascii: separator.unicodeScalars.first!))
        }
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
