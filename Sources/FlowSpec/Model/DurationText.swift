import Foundation

/// Durations as workflows spell them: `500ms`, `90s`, `10m`, `2h`, `1h30m`, `1d`.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        var total: Double = 0
        var number = ""
        var sawUnit = false
        var chars = Array(text.trimmingCharacters(in: .whitespaces))
        guard !chars.isEmpty else { return nil }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isNumber || c == "." {
                number.append(c)
                i += 1
                continue
            }
            guard let n = Double(number) else { return nil }
            number = ""
            let unit: Double
            if c == "m", i + 1 < chars.count, chars[i + 1] == "s" {
                unit = 0.001
                i += 1
            } else {
                switch c {
                case "s": unit = 1
                case "m": unit = 60
                case "h": unit = 3600
                case "d": unit = 86400
                default: return nil
                }
            }
            total += n * unit
            sawUnit = true
            i += 1
        }
        chars.removeAll()
        guard number.isEmpty, sawUnit else { return nil }
        return .milliseconds(Int64((total * 1000).rounded()))
    }

    /// As a workflow writes it: `30m`, `90s`, `2h`, `250ms`.
    public static func format(_ d: Duration) -> String {
        let ms = Int64(d.components.seconds) * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}
