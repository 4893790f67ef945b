import Foundation

/// Axis ticks at round steps (1, 2 or 5 × a power of ten; for durations also 15 s, 30 s, minutes, hours).
enum Ticks {
    /// About `count` round values covering `low...high`.
    static func values(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard high > low, count > 0 else { return [low] }
        let raw = (high - low) / Double(count)
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? raw
        var values: [Double] = []
        var value = (low / step).rounded(.down) * step
        while value <= high + step * 1e-9 {
            if value >= low - step * 1e-9 { values.append(abs(value) < step * 1e-9 ? 0 : value) }
            value += step
        }
        return values
    }

    /// Seconds from 0 to `span` at a step a reader counts in: …, 5 s, 10 s, 15 s, 30 s, 1 m, 2 m, 5 m, ….
    static func seconds(upTo span: Double, count: Int = 6) -> [Double] {
        let steps: [Double] = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400]
        let step = steps.first { span / $0 <= Double(count) } ?? (span / Double(count)).rounded(.up)
        return stride(from: 0, through: span, by: step).map { $0 }
    }
}
