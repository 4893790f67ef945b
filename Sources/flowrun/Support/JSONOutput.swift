import FlowSpec
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

/// How the CLI writes a length of time: `250ms`, `4.2s`, `3m05s` (``DurationText/readable(_:spaced:)``,
/// the one duration formatter).
func formatDuration(_ seconds: Double) -> String {
    DurationText.readable(seconds)
}
