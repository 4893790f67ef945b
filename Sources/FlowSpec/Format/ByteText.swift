import Foundation

/// Sizes as flowrun writes them for people: `812 B`, `1.4 MB` — decimal units, as `du -h --si`
/// prints them. The one size formatter of the CLI (`cache list`, `datasets list`) and the dashboard.
public enum ByteText {
    public static func format(_ count: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while abs(value) >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
