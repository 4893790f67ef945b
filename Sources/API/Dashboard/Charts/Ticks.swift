import Foundation

/// Axis ticks at round steps (1, 2 or 5 × a power of ten; for durations also 15 s, 30 s, minutes, hours).
enum Ticks {
    /// Round values from at or below `low` to at or above `high`, about `count` intervals apart.
    static func values(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard high > low, count > 0 else { return [low] }
        let raw = (high - low) / Double(count)
        let power = pow(10, floor(log10(raw)))
        let fraction = raw / power
        let step = (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * power
        let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Seconds from 0 to `span` at a step a reader counts in: …, 5 s, 10 s, 15 s, 30 s, 1 m, 2 m, 5 m, ….
    static func seconds(upTo span: Double, count: Int = 6) -> [Double] {
        let steps: [Double] = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400]
        let step = steps.first { span / $0 <= Double(count) } ?? (span / Double(count)).rounded(.up)
        return stride(from: 0, through: span, by: step).map { $0 }
    }
}
