import Foundation

/// A standard five-field cron expression (minute, hour, day of month, month, day of week), parsed.
///
/// Fields take `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n` (and `a/n`, meaning `a-max/n`),
/// lists `a,b-c`, and English names for months (`jan`) and days (`mon`, case-insensitive). Day of
/// week 7 is Sunday, like 0. The `@yearly`-style names stand for their five fields.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    public let minutes: Set<Int>
    public let hours: Set<Int>
    public let daysOfMonth: Set<Int>
    public let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday.
    public let daysOfWeek: Set<Int>
    /// Whether the field was written without a leading `*`. When both day fields are restricted a
    /// day matches when *either* does (cron's OR rule, as Vixie cron decides it: by the `*`).
    public let dayOfMonthRestricted: Bool
    public let dayOfWeekRestricted: Bool
    /// The text as written.
    public let text: String

    public var description: String { text }

    public static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses `text`; the error names the field that is wrong ("minute 61 out of range 0–59").
    public init(_ text: String) throws(CronError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var expanded = trimmed
        if trimmed.hasPrefix("@") {
            guard let fields = Self.macros[trimmed.lowercased()] else {
                throw CronError(
                    "unknown name '\(trimmed)'" + Suggestion.hint(for: trimmed.lowercased(), in: Self.macros.keys.sorted())
                        + " (names: \(Self.macros.keys.sorted().joined(separator: ", ")))")
            }
            expanded = fields
        }
        let parts = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else {
            throw CronError("expected 5 fields (minute hour day-of-month month day-of-week), got \(parts.count)")
        }
        minutes = try CronField.minute.parse(parts[0])
        hours = try CronField.hour.parse(parts[1])
        daysOfMonth = try CronField.dayOfMonth.parse(parts[2])
        months = try CronField.month.parse(parts[3])
        // 7 is Sunday too.
        daysOfWeek = Set(try CronField.dayOfWeek.parse(parts[4]).map { $0 % 7 })
        dayOfMonthRestricted = !parts[2].hasPrefix("*")
        dayOfWeekRestricted = !parts[4].hasPrefix("*")
        self.text = trimmed

        // A day of month no selected month has (`0 0 31 4 *`) would never run: say so now.
        if dayOfMonthRestricted, !dayOfWeekRestricted {
            let longest = months.map { CronField.longestMonth[$0 - 1] }.max() ?? 31
            if let smallest = daysOfMonth.min(), smallest > longest {
                throw CronError("day-of-month \(smallest) never occurs in month \(months.sorted().map(String.init).joined(separator: ","))")
            }
        }
    }

    /// Whether the day `year-month-day` (its weekday `weekday`, 0 = Sunday) is one to run on.
    func matchesDay(month: Int, day: Int, weekday: Int) -> Bool {
        guard months.contains(month) else { return false }
        let dom = daysOfMonth.contains(day)
        let dow = daysOfWeek.contains(weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return dom || dow }
        return dom && dow
    }
}

/// A cron expression that cannot be read; the message names the field.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
