import Foundation
import Logging
import SQLiteNIO
import Testing

@testable import Store

/// A database written by an older flowrun opens, migrates, and reads back as it was.
@Suite struct MigrationTests {
    @Test func aVersion2DatabaseGainsProcessColumnsAndKeepsItsRows() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)")
        for (index, statements) in Migrations.all.prefix(2).enumerated() {
            for statement in statements {
                _ = try await connection.query(
                    statement.replacingOccurrences(of: "%AUTOINCREMENT%", with: "INTEGER PRIMARY KEY AUTOINCREMENT"))
            }
            _ = try await connection.query("INSERT INTO schema_migrations (version, applied_at) VALUES (\(index + 1), 0)")
        }
        _ = try await connection.query(
            "INSERT INTO attempts (run_id, step_id, attempt, worker, started_at) VALUES ('r', 's', 1, 'host:42', 5)")
        _ = try await connection.query(
            "INSERT INTO workers (name, host, started_at, last_heartbeat, steps_held) VALUES ('host:42', 'host', 1, 2, 1)")
        try await connection.close()

        let store = try await SQLStore.open(url: path, logger: Logger(label: "t"))
        let attempt = try #require(try await store.attempts(runID: "r").first)
        #expect(attempt.worker == "host:42" && attempt.process == nil)
        let worker = try #require(try await store.workers(since: .distantPast).first)
        #expect(worker.name == "host:42" && worker.process == nil)
        try await store.close()
    }
}
