import Foundation
import SQLKit

/// Where ``SQLStore``'s SQL runs: how a transaction gets a connection, and what it costs to wait.
protocol SQLBackend: Sendable {
    var dialect: SQLStore.Dialect { get }
    /// Runs `body` in one transaction on one connection; commits when it returns, rolls back when it throws.
    /// `timeout` (nil: the backend's default) bounds the whole call, waiting for a connection included.
    func transaction<T: Sendable>(timeout: Duration?, _ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs reads that need no transaction.
    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body`, one statement that commits on its own (no `BEGIN`/`COMMIT` round trips), with the
    /// same deadline and retries as a transaction: tried again only when it certainly did not run.
    func statement<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T
    /// See ``Store/readyNotifications()``.
    func readyNotifications() -> AsyncStream<Void>
    func close() async throws
    /// For a store dropped without `close()`.
    func closeInBackground()
}

/// SQLite: one writing connection, one transaction at a time in this process (its gate),
/// `BEGIN IMMEDIATE` so that other processes on the same file wait for the write lock instead of
/// failing later; and a few reading connections, each with its own gate, so that reads (the API's
/// pages) run on every core next to the writes — WAL lets readers and the writer overlap.
final class SQLiteBackend: SQLBackend {
    let db: SQLiteDirectDatabase
    private let gate = AsyncGate()
    private let readers: [SQLiteDirectDatabase]
    private let pool: ReaderPool

    init(db: SQLiteDirectDatabase, readers: [SQLiteDirectDatabase]) {
        self.db = db
        self.readers = readers
        self.pool = ReaderPool(count: readers.count)
    }

    var dialect: SQLStore.Dialect { .sqlite }

    func transaction<T: Sendable>(timeout: Duration?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await gate.withLock {
            // Once `BEGIN IMMEDIATE` holds the write lock, no statement of the transaction waits
            // for another connection (WAL): only the BEGIN may, and it waits on the connection's thread.
            try await db.inPlaceUnlessLocked { try await db.raw("BEGIN IMMEDIATE").run() }
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

    func statement<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(timeout: nil, body)
    }

    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        guard !readers.isEmpty else { return try await gate.withLock { try await db.inPlaceUnlessLocked { try await body(db) } } }
        // One FIFO queue for all readers: the next free one takes the oldest waiting read.
        let index = await pool.acquire()
        defer { pool.release(index) }
        let reader = readers[index]
        return try await reader.inPlaceUnlessLocked { try await body(reader) }
    }

    /// Other processes on the file cannot signal this one; workers poll.
    func readyNotifications() -> AsyncStream<Void> { AsyncStream { _ in } }

    func close() async throws { closeInBackground() }

    func closeInBackground() {
        db.close()
        for reader in readers { reader.close() }
    }
}

/// Hands out reader indices: a free one at once, else the first to be released, in arrival order.
final class ReaderPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [Int]
    private var waiters: [CheckedContinuation<Int, Never>] = []

    init(count: Int) { free = Array((0..<count).reversed()) }

    func acquire() async -> Int {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let index: Int? = lock.withLock {
                if let index = free.popLast() { return index }
                waiters.append(continuation)
                return nil
            }
            if let index { continuation.resume(returning: index) }
        }
    }

    func release(_ index: Int) {
        let waiter: CheckedContinuation<Int, Never>? = lock.withLock {
            if waiters.isEmpty {
                free.append(index)
                return nil
            }
            return waiters.removeFirst()
        }
        waiter?.resume(returning: index)
    }
}
