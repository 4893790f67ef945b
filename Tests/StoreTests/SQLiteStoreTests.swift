import Foundation
import Logging
import SQLKit
import SQLiteNIO
import Store
import Testing

/// The SQLite store's own guarantees (the engine tests exercise claiming and completion).
@Suite struct SQLiteStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path

    @Test func aNewerSchemaIsRefusedWithAClearMessage() async throws {
        let store = try await SQLStore.open(url: path, logger: Logger(label: "t"))
        try await store.close()
        // A later flowrun migrated this file further.
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)")
        try await connection.close()
        await #expect(throws: StoreError.schemaTooNew(found: 99, supported: 2)) {
            try await SQLStore.open(url: path, logger: Logger(label: "t"))
        }
    }

    @Test func aCorruptFileIsRefusedNamingIt() async throws {
        try Data(String(repeating: "garbage ", count: 1000).utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try await SQLStore.open(url: path, logger: Logger(label: "t"))
            Issue.record("a corrupt file must be refused")
        } catch let error as StoreError {
            #expect("\(error)".hasPrefix(path))
            #expect("\(error)".contains("not a flowrun database"))
        }
    }
}
