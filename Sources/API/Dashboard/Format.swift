import FlowSpec
import Foundation

/// How the dashboard writes numbers, sizes, times and durations.
enum Format {
    /// `800 ms`, `4.2 s`, `42 s`, `3 m 05 s`, `2 h 10 m` (``DurationText/readable(_:spaced:)``); `—` for none.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "—" }
        return DurationText.readable(seconds, spaced: true)
    }

    /// Axis labels: `0s`, `30s`, `1m30s`, `2h`.
    static func shortDuration(_ seconds: Double) -> String {
        if seconds < 1, seconds > 0 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return whole % 60 == 0 ? "\(whole / 60)m" : "\(whole / 60)m\(whole % 60)s" }
        return whole % 3600 == 0 ? "\(whole / 3600)h" : "\(whole / 3600)h\(whole % 3600 / 60)m"
    }

    /// `2.0 kB` (``ByteText``).
    static func bytes(_ count: Int64) -> String {
        ByteText.format(count)
    }

    /// `2026-11-25 03:15:02` in UTC; `—` for none.
    static func date(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(
            Date.ISO8601FormatStyle(dateTimeSeparator: .space, timeZone: .gmt)
                .year().month().day().time(includingFractionalSeconds: false))
    }

    /// Metric values: four significant digits (a table cell, a chart's label), integers without a
    /// point (``NumberText``).
    static func number(_ value: Double) -> String {
        NumberText.format(value, significant: 4)
    }

    static func percent(_ fraction: Double?) -> String {
        guard let fraction, fraction.isFinite else { return "—" }
        return String(format: "%.1f %%", fraction * 100)
    }
}
