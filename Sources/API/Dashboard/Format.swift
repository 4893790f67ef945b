import Foundation

/// How the dashboard writes numbers, sizes, times and durations.
enum Format {
    /// `0.8 s`, `42 s`, `3 m 05 s`, `2 h 10 m`; `—` for none.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "—" }
        if seconds < 10 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return String(format: "%d m %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d m", whole / 3600, whole % 3600 / 60)
    }

    /// Axis labels: `0s`, `30s`, `1m30s`, `2h`.
    static func shortDuration(_ seconds: Double) -> String {
        if seconds < 1, seconds > 0 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return whole % 60 == 0 ? "\(whole / 60)m" : "\(whole / 60)m\(whole % 60)s" }
        return whole % 3600 == 0 ? "\(whole / 3600)h" : "\(whole / 3600)h\(whole % 3600 / 60)m"
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// `2026-11-25 03:15:02` in UTC; `—` for none.
    static func date(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(Date.ISO8601FormatStyle(dateTimeSeparator: .space, timeZone: .gmt)
            .year().month().day().time(includingFractionalSeconds: false))
    }

    /// Metric values: up to four significant decimals, integers without a point.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        if abs(value) >= 1000 { return String(format: "%.1f", value) }
        return String(format: "%.4g", value)
    }

    static func percent(_ fraction: Double?) -> String {
        guard let fraction, fraction.isFinite else { return "—" }
        return String(format: "%.1f %%", fraction * 100)
    }
}
