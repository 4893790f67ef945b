import Foundation

extension DurationText {
    /// How a length of time reads where it is shown: `250ms`, `4.2s`, `5s`, `42s`, `3m05s`, `2h10m` —
    /// or `spaced` (`3 m 05 s`: the dashboard). The one duration formatter of the CLI, the
    /// dashboard and the engine's log lines; ``format(_:)`` is a workflow's own spelling
    /// (`30m`, `1h30m`), which reads back.
    public static func readable(_ seconds: Double, spaced: Bool = false) -> String {
        guard seconds.isFinite else { return "\(seconds)" }
        if seconds < 0 { return "-" + readable(-seconds, spaced: spaced) }
        let gap = spaced ? " " : ""
        let ms = (seconds * 1000).rounded()
        if ms < 1000 { return "\(Int(ms))\(gap)ms" }
        if seconds < 10 {
            // One decimal, none when it is 0: a 5 s timeout reads "5s".
            let text = String(format: "%.1f", seconds)
            return (text.hasSuffix(".0") ? String(text.dropLast(2)) : text) + "\(gap)s"
        }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)\(gap)s" }
        if whole < 3600 { return "\(whole / 60)\(gap)m\(gap)" + String(format: "%02d", whole % 60) + "\(gap)s" }
        return "\(whole / 3600)\(gap)h\(gap)" + String(format: "%02d", whole % 3600 / 60) + "\(gap)m"
    }

    /// ``readable(_:spaced:)`` of a `Duration`.
    public static func readable(_ duration: Duration, spaced: Bool = false) -> String {
        let parts = duration.components
        return readable(Double(parts.seconds) + Double(parts.attoseconds) / 1e18, spaced: spaced)
    }
}
