import Foundation
import Logging
import SQLiteNIO
import TestSupport
import Testing

@testable import Store

/// The `workers` row keeps what a worker's heartbeat says of its health (migration 5), on SQLite
/// and PostgreSQL, and a database from before it gains the columns with its rows intact.
@Suite struct WorkerHealthStoreTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    @Test(arguments: TestDatabase.all) func eachHeartbeatReplacesTheHealthItCarries(database: TestDatabase) async throws {
        let store = try await SQLStore.open(url: try await database.makeURL(in: folder), logger: Logger(label: "t"))
        var worker = WorkerRecord(
            name: "node-1:7", host: "node-1", startedAt: Date(timeIntervalSince1970: 100),
            lastHeartbeat: Date(timeIntervalSince1970: 110), stepsHeld: 2, concurrency: 4,
            oldestCall: WorkerStoreCall(call: "complete steps", startedAt: Date(timeIntervalSince1970: 105.25)),
            lastError: WorkerStoreError(message: "claim steps: the database is starting up", at: Date(timeIntervalSince1970: 104.5)))
        try await store.heartbeatWorker(worker)
        #expect(try await store.workers(since: .distantPast) == [worker])

        // The call returned: the next heartbeat clears it; the last error stays until another.
        worker.lastHeartbeat = Date(timeIntervalSince1970: 120)
        worker.oldestCall = nil
        try await store.heartbeatWorker(worker)
        let read = try #require(try await store.workers(since: .distantPast).first)
        #expect(read.oldestCall == nil && read.lastError == worker.lastError && read.concurrency == 4)
        try await store.close()
    }

    @Test func aVersion4DatabaseGainsTheHealthColumnsAndKeepsItsWorkers() async throws {
        let path = folder.appendingPathComponent("v4.sqlite").path
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)")
        for (index, statements) in Migrations.all.prefix(4).enumerated() {
            for statement in statements {
                _ = try await connection.query(
                    statement.replacingOccurrences(of: "%AUTOINCREMENT%", with: "INTEGER PRIMARY KEY AUTOINCREMENT"))
            }
            _ = try await connection.query("INSERT INTO schema_migrations (version, applied_at) VALUES (\(index + 1), 0)")
        }
        _ = try await connection.query(
            "INSERT INTO workers (name, host, started_at, last_heartbeat, steps_held) VALUES ('host:42', 'host', 1, 2, 1)")
        try await connection.close()

        let store = try await SQLStore.open(url: path, logger: Logger(label: "t"))
        let worker = try #require(try await store.workers(since: .distantPast).first)
        #expect(worker.name == "host:42" && worker.stepsHeld == 1)
        #expect(worker.concurrency == nil && worker.oldestCall == nil && worker.lastError == nil)
        try await store.close()
    }
}
