import Foundation
import SQLKit

/// Where ``SQLStore``'s SQL runs: how a transaction gets a connection, and what it costs to wait.
protocol SQLBackend: Sendable {
    var dialect: SQLStore.Dialect { get }
    /// Runs `body` in one transaction on one connection; commits when it returns, rolls back when it throws.
    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs reads that need no transaction.
    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// See ``Store/readyNotifications()``.
    func readyNotifications() -> AsyncStream<Void>
    func close() async throws
    /// For a store dropped without `close()`.
    func closeInBackground()
}

/// SQLite: one connection, one transaction at a time in this process (the gate), `BEGIN IMMEDIATE`
/// so that other processes on the same file wait for the write lock instead of failing later.
final class SQLiteBackend: SQLBackend {
    let db: SQLiteDirectDatabase
    private let gate = AsyncGate()

    init(db: SQLiteDirectDatabase) { self.db = db }

    var dialect: SQLStore.Dialect { .sqlite }

    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await gate.withLock {
            try await db.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await gate.withLock { try await body(db) }
    }

    /// Other processes on the file cannot signal this one; workers poll.
    func readyNotifications() -> AsyncStream<Void> { AsyncStream { _ in } }

    func close() async throws { db.close() }
    func closeInBackground() { db.close() }
}
