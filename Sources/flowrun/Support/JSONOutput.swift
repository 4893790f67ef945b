import Foundation

/// The one JSON encoder configuration of the CLI: sorted keys, ISO 8601 dates, snake_case keys.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

func formatDuration(_ seconds: Double) -> String {
    if seconds < 1 { return String(format: "%.0fms", seconds * 1000) }
    if seconds < 60 { return String(format: "%.1fs", seconds) }
    if seconds < 3600 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
    return String(format: "%dh%02dm", Int(seconds) / 3600, Int(seconds) % 3600 / 60)
}
