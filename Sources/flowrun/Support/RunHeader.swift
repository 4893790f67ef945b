import FlowSpec
import Foundation

/// The top of `flowrun runs show`, written for people: times in UTC, params as `name=value`, a
/// dataset as its id and a path relative to the current folder.
enum RunHeader {
    static func times(created: Date, started: Date?, finished: Date?) -> String {
        func stamp(_ date: Date) -> String {
            date.formatted(
                Date.ISO8601FormatStyle(dateTimeSeparator: .space, timeZone: .gmt).year().month().day().time(
                    includingFractionalSeconds: false)) + " UTC"
        }
        var text = "submitted \(stamp(created))"
        if let started { text += ", started \(stamp(started))" }
        if let finished {
            text += ", finished \(stamp(finished))"
            if let started { text += " (\(formatDuration(finished.timeIntervalSince(started))))" }
        }
        return text
    }

    /// `model_type=logistic window=50`; a dataset input as `dataset=ds-… (data/inbound/exams.csv)`.
    static func pairs(_ value: Value, settings: Settings? = nil) -> String {
        guard let map = value.mapValue, !map.isEmpty else { return "-" }
        return map.keys.sorted().map { key in
            let item = map[key]!
            if let id = item["id"]?.stringValue, let path = item["path"]?.stringValue {
                let shown = settings?.displayPath(URL(fileURLWithPath: path)) ?? path
                return "\(key)=\(id) (\(shown))"
            }
            if let text = item.stringValue { return "\(key)=\(text)" }
            return "\(key)=\(item.jsonText)"
        }.joined(separator: " ")
    }
}
