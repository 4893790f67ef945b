import Foundation

/// `text` written to a fresh file in the temporary folder, for the CSV tests.
func csvFile(_ text: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv")
    try Data(text.utf8).write(to: url)
    return url
}
