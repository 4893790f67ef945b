import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// The ``Store`` over SQL: one implementation, written in SQL that SQLite and PostgreSQL share,
/// with the few dialect differences in ``Dialect``.
///
/// SQLite (the embedded default) is one file in WAL mode; write transactions are
/// `BEGIN IMMEDIATE`, so several processes can share the file and never claim a step twice.
public final class SQLStore: Store, @unchecked Sendable {
    enum Dialect: Sendable {
        case sqlite
        case postgres
    }

    let backend: any SQLBackend
    let location: String
    private let closed = ClosedFlag()

    var dialect: Dialect { backend.dialect }

    init(backend: any SQLBackend, location: String) {
        self.backend = backend
        self.location = location
    }

    deinit {
        // A store dropped without close() still releases its connections.
        if !closed.isSet { backend.closeInBackground() }
    }

    /// Opens (creating and migrating when needed) the store at `url`: a SQLite file path or
    /// `sqlite:///abs/path`, or `postgres://user:pass@host:port/db`.
    public static func open(url: String, logger: Logger) async throws -> SQLStore {
        if PostgresURL.isPostgres(url) {
            return try await openPostgres(url: url, logger: logger)
        }
        var path = url
        if path.hasPrefix("sqlite://") { path = String(path.dropFirst("sqlite://".count)) }
        // Two processes creating the same new file race for its first locks (switching to WAL needs
        // an exclusive one, which SQLite's busy timeout does not always wait for): retry briefly.
        // Briefly: a lock held for good (a process stopped mid-write) is an error naming it, not a
        // wait of 50 busy timeouts.
        let deadline = ContinuousClock.now + .seconds(busyTimeoutSeconds)
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await openSQLite(path: path, logger: logger).migrated()
            } catch let error as StoreError {
                guard ContinuousClock.now < deadline, "\(error)".contains("locked") || "\(error)".contains("busy") else { throw error }
                try await Task.sleep(for: .milliseconds(20 * min(attempt, 10)))
            }
        }
    }

    private static func openPostgres(url: String, logger: Logger) async throws -> SQLStore {
        let backend = PostgresBackend(
            configuration: try PostgresURL.configuration(url), logger: logger,
            preparesStatements: try PostgresURL.preparesStatements(url))
        return try await SQLStore(backend: backend, location: PostgresURL.redacted(url)).migrated()
    }

    /// The store, migrated; closed when migrating fails.
    private func migrated() async throws -> SQLStore {
        do {
            try await migrate()
        } catch {
            try? await close()
            throw error
        }
        return self
    }

    private static func openSQLite(path: String, logger: Logger) async throws -> SQLStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            throw StoreError.unavailable("\(path): the folder \(directory) does not exist")
        }
        let db: SQLiteDirectDatabase
        do {
            db = try SQLiteDirectDatabase(path: path, logger: logger)
        } catch {
            throw StoreError.unavailable("\(path): cannot open the database: \(describe(error, path: path))")
        }
        do {
            // WAL: readers never block the writer; NORMAL sync is durable across process crashes.
            // On the connection's thread: switching to WAL can wait for a lock.
            try await db.onThread {
                db.setBusyTimeout(milliseconds: Int32(busyTimeoutSeconds * 1000))
                for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"] {
                    try await db.raw(SQLQueryString(pragma)).run()
                }
            }
        } catch {
            db.close()
            throw StoreError.unavailable("\(path): \(describe(error, path: path))")
        }
        // Readers are opened after the writer has set WAL mode (a property of the file).
        var readers: [SQLiteDirectDatabase] = []
        for _ in 0..<min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)) {
            do {
                let reader = try SQLiteDirectDatabase(path: path, logger: logger)
                reader.setBusyTimeout(milliseconds: Int32(busyTimeoutSeconds * 1000))
                readers.append(reader)
            } catch {
                readers.forEach { $0.close() }
                db.close()
                throw StoreError.unavailable("\(path): \(describe(error, path: path))")
            }
        }
        return SQLStore(backend: SQLiteBackend(db: db, readers: readers), location: path)
    }

    /// How long a SQLite statement waits for another process's lock before it fails (naming the holder).
    static let busyTimeoutSeconds = 10

    /// ``describe(_:)``, and for a SQLite disk error (full, or an I/O error) the free space of the
    /// disk holding `path`.
    static func describe(_ error: any Error, path: String) -> String {
        let text = describe(error)
        guard let failure = error as? SQLiteDirectDatabase.Failure, failure.isDiskProblem, let note = DiskSpace.note(for: path) else {
            return text
        }
        return "\(text): \(note)"
    }

    static func describe(_ error: any Error) -> String {
        // PSQLError's own description hides the server's message, which a worker's last error needs.
        let text = PostgresBackend.describe(error)
        if text.contains("file is not a database") || text.contains("NOTADB") {
            return "not a flowrun database (the file is corrupt or something else): move it away to start fresh"
        }
        if text.contains("readonly") || text.contains("READONLY") {
            return "the database is read-only: check the file's and folder's permissions"
        }
        return text
    }

    public func close() async throws {
        guard closed.set() else { return }
        try await backend.close()
    }

    // MARK: Transactions

    /// Runs `body` in one write transaction; rolls back when it throws. `timeout`: see ``SQLBackend``.
    func write<T: Sendable>(timeout: Duration? = nil, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        do { return try await backend.transaction(timeout: timeout, body) } catch { throw mapError(error) }
    }

    /// Runs reads (serialized with the writes on SQLite's one connection).
    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        do { return try await backend.read(body) } catch { throw mapError(error) }
    }

    /// PostgreSQL: locks the runs' rows, in id order, for the rest of the transaction. Every write
    /// that moves steps of a run between states takes these first, so two completions of one run's
    /// steps never both miss that their common dependent became ready. SQLite's `BEGIN IMMEDIATE`
    /// already serializes all writers.
    func lockRuns(_ db: any SQLDatabase, _ ids: some Sequence<String>) async throws {
        guard dialect == .postgres else { return }
        let sorted = Set(ids).sorted()
        guard !sorted.isEmpty else { return }
        let list = sorted.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
        try await db.raw("SELECT id FROM runs WHERE id IN (\(list)) ORDER BY id FOR UPDATE").run()
    }

    /// Wakes idle workers in every process when this transaction commits (PostgreSQL `NOTIFY`).
    func notifyReady(_ db: any SQLDatabase) async throws {
        guard dialect == .postgres else { return }
        try await db.raw("SELECT pg_notify(\(bind: PostgresBackend.readyChannel), '')").run()
    }

    func mapError(_ error: any Error) -> any Error {
        if error is StoreError { return error }
        if let failure = error as? SQLiteDirectDatabase.Failure, failure.isDiskProblem {
            return StoreError.unavailable("\(location): \(Self.describe(error, path: location))")
        }
        if let failure = error as? SQLiteDirectDatabase.Failure, failure.isBusy {
            return StoreError.unavailable(
                "\(location): the database stayed locked for \(Self.busyTimeoutSeconds) s: "
                    + SQLiteLockHolder.describe(databasePath: location))
        }
        return StoreError.unavailable("\(location): \(Self.describe(error))")
    }

    // MARK: Migrations

    /// Migrating waits for another process's migration (the advisory lock), which may take long.
    static let migrationTimeout: Duration = .seconds(600)

    func migrate() async throws {
        // Opening an up-to-date database only reads: a read command (`runs list`) must not wait for
        // the write lock, which a stopped or busy process may hold.
        if try await schemaIsCurrent() { return }
        try await write(timeout: Self.migrationTimeout) { db in
            if self.dialect == .postgres {
                // Several processes starting at once: one migrates, the others wait and find it done.
                try await db.raw("SELECT pg_advisory_xact_lock(7262013)").run()
            }
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)"
            ).run()
            let current =
                try await db.raw("SELECT MAX(version) AS v FROM schema_migrations").first()?
                .decode(column: "v", as: Int?.self) ?? 0
            if current > Migrations.latest {
                throw StoreError.schemaTooNew(found: current, supported: Migrations.latest)
            }
            for version in (current + 1)...max(current + 1, Migrations.latest) where version <= Migrations.latest {
                for statement in Migrations.all[version - 1] {
                    let sql = statement.replacingOccurrences(
                        of: "%AUTOINCREMENT%",
                        with: self.dialect == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY")
                    try await db.raw(SQLQueryString(sql)).run()
                }
                try await db.raw(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (\(bind: version), \(bind: Date().timeIntervalSince1970))"
                ).run()
            }
        }
    }

    /// True when the schema is at ``Migrations/latest``, read without the write lock; false when it
    /// is older or absent (a new file). Throws when it is newer than this build.
    private func schemaIsCurrent() async throws -> Bool {
        let current: Int
        do {
            current = try await read { db in
                try await db.raw("SELECT MAX(version) AS v FROM schema_migrations").first()?.decode(column: "v", as: Int?.self) ?? 0
            }
        } catch {
            return false  // no table yet (or unreadable): the write path creates it, or says why not
        }
        if current > Migrations.latest { throw StoreError.schemaTooNew(found: current, supported: Migrations.latest) }
        return current == Migrations.latest
    }

    public func readyNotifications() -> AsyncStream<Void> {
        backend.readyNotifications()
    }
}

/// Set once; tells whether close() already ran.
final class ClosedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    /// Sets the flag; false when it was already set.
    func set() -> Bool {
        lock.withLock {
            defer { value = true }
            return !value
        }
    }
}

extension SQLQueryString {
    init(_ text: String) {
        self.init(stringLiteral: text)
    }
}
