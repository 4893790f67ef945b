import Foundation

/// The idempotency key of a scheduled run: the workflow and the tick's time. `runs.trigger_key` is
/// UNIQUE, so however many schedulers handle one tick, one run is created.
enum ScheduleKey {
    static func prefix(_ workflow: String) -> String { "schedule:\(workflow):" }

    static func key(_ workflow: String, tick: Date) -> String { prefix(workflow) + iso(tick) }

    /// `2026-11-27T01:00:00Z`.
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The tick a scheduled run's key names.
    static func tick(ofKey key: String) -> Date? {
        // The time itself holds colons: match it at the end rather than splitting.
        guard let range = key.range(of: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#, options: .regularExpression) else { return nil }
        return ISO8601DateFormatter().date(from: String(key[range]))
    }
}
