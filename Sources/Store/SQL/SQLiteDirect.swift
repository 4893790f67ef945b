import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import Threads
import VaporCSQLite

/// SQLKit over SQLite's C API, called in place: no thread-pool hop per statement and a cache of
/// prepared statements. SQLiteNIO hops to a thread pool for every statement (and to the event loop
/// for every row), which made those hops most of an engine step's cost. Uses the SQLite that
/// sqlite-nio bundles, so one SQLite library (and one set of POSIX locks) serves the process.
///
/// Not thread-safe on its own: ``SQLStore`` serializes all use through its transaction gate.
final class SQLiteDirectDatabase: SQLDatabase, @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let message: String
        /// SQLite's primary result code (SQLITE_BUSY: another connection held a lock past the busy timeout).
        var code: Int32 = SQLITE_ERROR
        var description: String { message }
        var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
        /// The disk is full, or failed a read or write (which a full disk also causes).
        var isDiskProblem: Bool { code == SQLITE_FULL || code == SQLITE_IOERR }
    }

    let logger: Logger
    let eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()
    let dialect: any SQLDialect = SQLiteDialect()
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private let lock = NSLock()
    /// Where this connection's calls run: ``onThread(_:)``. SQLite waits for another connection's
    /// lock inside `sqlite3_step`; on the cooperative pool enough waiters froze the whole process,
    /// the lock's holder too (docs/architecture.md).
    let thread: ThreadExecutor

    init(path: String, logger: Logger) throws {
        self.logger = logger
        self.thread = ThreadExecutor(name: "sqlite \((path as NSString).lastPathComponent)")
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let rc = sqlite_nio_sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite_nio_sqlite3_close_v2(db)
            throw Failure(message: message, code: rc & 0xff)
        }
        handle = db
    }

    deinit { close() }

    /// Runs `body` with this connection's thread as the task's executor: what it calls on the
    /// connection (and a lock wait inside SQLite) blocks that thread only.
    func onThread<T>(_ body: () async throws -> T) async throws -> T {
        try await thread.run(body)
    }

    /// How long a statement waits inside SQLite for another connection's lock.
    private var busyTimeout: Int32 = 0

    func setBusyTimeout(milliseconds: Int32) {
        lock.withLock {
            busyTimeout = milliseconds
            if let handle { sqlite_nio_sqlite3_busy_timeout(handle, milliseconds) }
        }
    }

    private func setBusyWait(_ on: Bool) {
        lock.withLock {
            if let handle { sqlite_nio_sqlite3_busy_timeout(handle, on ? busyTimeout : 0) }
        }
    }

    /// Runs `body` in place with SQLite's busy wait off; when a statement meets another connection's
    /// lock (SQLITE_BUSY at once), runs `body` again on this connection's own thread, where it waits
    /// up to the busy timeout. The common case, no lock held elsewhere, costs no thread hop; the wait
    /// never sleeps on a thread of the cooperative pool. `body` must be safe to run twice: a read, or
    /// a `BEGIN IMMEDIATE`.
    func inPlaceUnlessLocked<T>(_ body: () async throws -> T) async throws -> T {
        do {
            setBusyWait(false)
            defer { setBusyWait(true) }
            return try await body()
        } catch let failure as Failure where failure.isBusy {
            return try await onThread(body)
        }
    }

    func close() {
        lock.withLock {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements.removeAll()
            if let handle { sqlite_nio_sqlite3_close_v2(handle) }
            handle = nil
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        try lock.withLock {
            guard let db = handle else { throw Failure(message: "the database is closed") }
            let statement = try prepared(serializer.sql, db)
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            for (i, bind) in serializer.binds.enumerated() { try Self.bind(bind, at: Int32(i + 1), statement, db) }
            var columnCount: Int32 = 0
            var names: [String]?
            while true {
                let rc = sqlite_nio_sqlite3_step(statement)
                if rc == SQLITE_DONE { return }
                guard rc == SQLITE_ROW else { throw Failure(message: String(cString: sqlite_nio_sqlite3_errmsg(db)), code: rc & 0xff) }
                if names == nil {
                    // Counted after the first step, not before: a step that found the schema changed
                    // (another connection migrated) prepares the statement again, and `SELECT *`
                    // then has the new columns.
                    columnCount = sqlite_nio_sqlite3_column_count(statement)
                    names = (0..<columnCount).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
                }
                var cells: [DirectRow.Cell] = []
                cells.reserveCapacity(Int(columnCount))
                for c in 0..<columnCount {
                    switch sqlite_nio_sqlite3_column_type(statement, c) {
                    case SQLITE_INTEGER: cells.append(.integer(sqlite_nio_sqlite3_column_int64(statement, c)))
                    case SQLITE_FLOAT: cells.append(.real(sqlite_nio_sqlite3_column_double(statement, c)))
                    case SQLITE_NULL: cells.append(.null)
                    default:
                        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, c))
                        if let text = sqlite_nio_sqlite3_column_text(statement, c) {
                            cells.append(.text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)))
                        } else {
                            cells.append(.text(""))
                        }
                    }
                }
                onRow(DirectRow(columns: names!, cells: cells))
            }
        }
    }

    private func prepared(_ sql: String, _ db: OpaquePointer) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let rc = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            // Preparing reads the schema, which can meet a lock too.
            throw Failure(message: String(cString: sqlite_nio_sqlite3_errmsg(db)), code: rc & 0xff)
        }
        // Statements with many values (multi-row inserts) vary in shape; cache only the reusable ones.
        if statements.count < 512 { statements[sql] = statement }
        return statement
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func bind(_ value: any Encodable & Sendable, at index: Int32, _ statement: OpaquePointer, _ db: OpaquePointer) throws {
        let rc: Int32
        switch value as Any {
        case let v as String: rc = sqlite_nio_sqlite3_bind_text(statement, index, v, -1, transient)
        case let v as Int: rc = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(v))
        case let v as Int64: rc = sqlite_nio_sqlite3_bind_int64(statement, index, v)
        case let v as Int32: rc = sqlite_nio_sqlite3_bind_int64(statement, index, Int64(v))
        case let v as Double: rc = sqlite_nio_sqlite3_bind_double(statement, index, v)
        case let v as Bool: rc = sqlite_nio_sqlite3_bind_int64(statement, index, v ? 1 : 0)
        default:
            guard Mirror(reflecting: value).displayStyle == .optional else {
                throw Failure(message: "cannot bind a value of type \(type(of: value))")
            }
            rc = sqlite_nio_sqlite3_bind_null(statement, index)
        }
        guard rc == SQLITE_OK else { throw Failure(message: String(cString: sqlite_nio_sqlite3_errmsg(db))) }
    }
}

/// A result row of ``SQLiteDirectDatabase``.
struct DirectRow: SQLRow {
    enum Cell: Sendable {
        case integer(Int64)
        case real(Double)
        case text(String)
        case null
    }

    let columns: [String]
    let cells: [Cell]

    var allColumns: [String] { columns }

    func contains(column: String) -> Bool { columns.contains(column) }

    /// A linear search: column names are small strings compared in a word or two, cheaper than
    /// hashing them (measured).
    private func cell(_ column: String) throws -> Cell {
        guard let i = columns.firstIndex(of: column) else {
            throw SQLiteDirectDatabase.Failure(message: "no column '\(column)' in the result")
        }
        return cells[i]
    }

    func decodeNil(column: String) throws -> Bool {
        if case .null = try cell(column) { return true }
        return false
    }

    /// Matches the requested type by identity, then hands the value over as `D` (``same(_:as:)``): a
    /// generic `as? D` cast per cell cost a quarter of `GET /api/runs` (runtime metadata lookups
    /// and dynamic casts).
    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        let value = try cell(column)
        switch value {
        case .text(let s):
            if D.self == String.self { return Self.same(s, as: D.self) }
            if D.self == String?.self { return Self.same(Optional(s), as: D.self) }
        case .integer(let n):
            if D.self == Int.self { return Self.same(Int(n), as: D.self) }
            if D.self == Int?.self { return Self.same(Optional(Int(n)), as: D.self) }
            if D.self == Int64.self { return Self.same(n, as: D.self) }
            if D.self == Int64?.self { return Self.same(Optional(n), as: D.self) }
            if D.self == Double.self { return Self.same(Double(n), as: D.self) }
            if D.self == Double?.self { return Self.same(Optional(Double(n)), as: D.self) }
            if D.self == Bool.self { return Self.same(n != 0, as: D.self) }
        case .real(let x):
            if D.self == Double.self { return Self.same(x, as: D.self) }
            if D.self == Double?.self { return Self.same(Optional(x), as: D.self) }
        case .null:
            if D.self == String?.self { return Self.same(String?.none, as: D.self) }
            if D.self == Int?.self { return Self.same(Int?.none, as: D.self) }
            if D.self == Int64?.self { return Self.same(Int64?.none, as: D.self) }
            if D.self == Double?.self { return Self.same(Double?.none, as: D.self) }
        }
        throw SQLiteDirectDatabase.Failure(message: "column '\(column)': cannot read \(value) as \(D.self)")
    }

    /// `value` as `D`, which the caller has checked is `T` itself: read through a rebound pointer,
    /// the documented way to view a value as a type of the same layout (here: the same type).
    @inline(__always)
    private static func same<T, D>(_ value: T, as: D.Type) -> D {
        withUnsafePointer(to: value) { $0.withMemoryRebound(to: D.self, capacity: 1) { $0.pointee } }
    }
}
