/// One of cron's five fields: its name, its range and the names it accepts.
enum CronField {
    case minute, hour, dayOfMonth, month, dayOfWeek

    var name: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    var range: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// Days in each month of a leap year: what a day of month can ever reach.
    static let longestMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    private var names: [String: Int] {
        switch self {
        case .month: Dictionary(uniqueKeysWithValues: Self.monthNames.enumerated().map { ($1, $0 + 1) })
        case .dayOfWeek: Dictionary(uniqueKeysWithValues: Self.dayNames.enumerated().map { ($1, $0) })
        default: [:]
        }
    }

    private var rangeText: String { "\(range.lowerBound)–\(range.upperBound)" }

    /// The values `text` selects, e.g. `1-5`, `*/15`, `mon-fri`, `0,30`.
    func parse(_ text: String) throws(CronError) -> Set<Int> {
        var values = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else { throw CronError("\(name) '\(text)': empty list item") }
            var base = item
            var step = 1
            if let slash = item.firstIndex(of: "/") {
                base = String(item[..<slash])
                let stepText = String(item[item.index(after: slash)...])
                guard let n = Int(stepText), n > 0 else {
                    throw CronError("\(name) step '\(stepText)' in '\(item)': expected a whole number ≥ 1")
                }
                guard n <= range.upperBound else {
                    throw CronError("\(name) step \(n) out of range 1–\(range.upperBound)")
                }
                step = n
            }
            let bounds: ClosedRange<Int>
            if base == "*" {
                bounds = self == .dayOfWeek ? 0...6 : range
            } else if let dash = base.firstIndex(of: "-") {
                let low = try value(String(base[..<dash]), in: item)
                let high = try value(String(base[base.index(after: dash)...]), in: item)
                guard low <= high else { throw CronError("\(name) range '\(base)' runs backwards (\(low) > \(high))") }
                bounds = low...high
            } else {
                let single = try value(base, in: item)
                // `5/15` means from 5 to the end, every 15.
                bounds = item.contains("/") ? single...range.upperBound : single...single
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values
    }

    private func value(_ text: String, in item: String) throws(CronError) -> Int {
        if let n = Int(text) {
            guard range.contains(n) else { throw CronError("\(name) \(n) out of range \(rangeText)") }
            return n
        }
        if let n = names[text.lowercased()] { return n }
        let known = names.isEmpty ? "" : " or a name (\(names.sorted { $0.value < $1.value }.map(\.key).joined(separator: ", ")))"
        throw CronError(
            "\(name) '\(text)' in '\(item)': expected a number \(rangeText)\(known)"
                + (names.isEmpty ? "" : Suggestion.hint(for: text.lowercased(), in: Array(names.keys))))
    }
}
