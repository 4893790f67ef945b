import Foundation
import Learn

/// A dataset profile as stored in the dataset's schema JSON: snake_case keys, sorted, so the API and
/// the pages show `missing_share`, as every other field they show is spelled.
enum DatasetProfileJSON {
    static func encode(_ profile: DatasetProfile) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(["profile": profile]), as: UTF8.self)
    }
}
