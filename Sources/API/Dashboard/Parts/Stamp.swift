import Foundation

/// An instant as `parts/time` shows it: a `<time>` with the machine-readable value and the UTC
/// text, or `—` for none.
struct Stamp: Encodable {
    let known: Bool
    let iso: String
    let text: String

    init(_ date: Date?) {
        known = date != nil
        iso = date.map(ISO8601Millis.string(from:)) ?? ""
        text = Format.date(date)
    }
}
