import Foundation
import Learn

/// A dataset profile as stored in the dataset's schema JSON: snake_case keys, sorted, so the API and
/// the pages show `missing_share`, as every other field they show is spelled. The one reader of it
/// too: the dataset page and `flowrun datasets show` describe the same decoded profile.
public enum DatasetProfileJSON {
    static func encode(_ profile: DatasetProfile) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(["profile": profile]), as: UTF8.self)
    }

    /// The profile in a dataset's schema JSON; nil when it holds none (a file that is not CSV, or
    /// one registered before profiles) or one this version cannot read.
    public static func decode(_ schemaJSON: String) -> DatasetProfile? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (try? decoder.decode(Stored.self, from: Data(schemaJSON.utf8)))?.profile
    }

    private struct Stored: Decodable {
        var profile: DatasetProfile?
    }
}
