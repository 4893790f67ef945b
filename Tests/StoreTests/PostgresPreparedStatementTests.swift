import Foundation
import Logging
import PostgresNIO
import SQLKit
import TestSupport
import Testing

@testable import Store

/// Repeated statements run as named prepared statements (`Store/Postgres/PreparedStatements.swift`):
/// on a real server, a statement seen twice on a connection is prepared there, answers what it
/// answers unnamed (every type the store reads, NULLs, a `VALUES` list whose types come from the
/// binds), a stale plan is forgotten and the call retried, and `prepared_statements=off` turns it off.
@Suite(.enabled(if: TestDatabase.all.contains(.postgres), "no PostgreSQL: set FLOWRUN_TEST_DATABASE_URL (scripts/with-postgres)"))
struct PostgresPreparedStatementTests {
    let url: String

    init() async throws {
        url = try await TestDatabase.postgres.makeURL(in: FileManager.default.temporaryDirectory)
    }

    func backend(prepares: Bool = true) -> PostgresBackend {
        PostgresBackend(configuration: try! PostgresURL.configuration(url), logger: Logger(label: "t"), preparesStatements: prepares)
    }

    /// One row of every type the store decodes, through a statement with a `VALUES` list of binds.
    struct Decoded: Equatable {
        let text: String, number: Int, big: Int64, real: Double, none: String?, noneNumber: Int?, sum: Double, label: String
    }

    static func typedRow(_ db: any SQLDatabase, _ i: Int, missing: String?) async throws -> Decoded {
        let row = try #require(
            try await db.raw(
                """
                SELECT v.column1 AS text, v.column2 AS number, v.column3 AS big, v.column4 AS real,
                    CAST(\(bind: missing) AS TEXT) AS none, NULL::int AS none_number, SUM(v.column2)::numeric AS sum, 'it''s $1' AS label
                FROM (VALUES (\(bind: "s\(i)"), \(bind: i), \(bind: Int64(i) << 40), \(bind: Double(i) + 0.25))) AS v
                GROUP BY v.column1, v.column2, v.column3, v.column4
                """
            ).first())
        return Decoded(
            text: try row.decode(column: "text", as: String.self), number: try row.decode(column: "number", as: Int.self),
            big: try row.decode(column: "big", as: Int64.self), real: try row.decode(column: "real", as: Double.self),
            none: try row.decode(column: "none", as: String?.self), noneNumber: try row.decode(column: "none_number", as: Int?.self),
            sum: try row.decode(column: "sum", as: Double.self), label: try row.decode(column: "label", as: String.self))
    }

    static func preparedCount(_ db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT count(*) AS n FROM pg_prepared_statements").first()!.decode(column: "n", as: Int.self)
    }

    @Test func aStatementSeenTwiceIsPreparedAndAnswersAsUnnamed() async throws {
        let backend = backend()
        defer { backend.closeInBackground() }
        let (unnamed, prepared, count) = try await backend.transaction(timeout: nil) { db in
            // One transaction: one connection. First sight unnamed, second prepares, third reuses.
            var rows: [Decoded] = []
            for i in 1...3 { rows.append(try await Self.typedRow(db, i, missing: nil)) }
            return (rows[0], rows[1...], try await Self.preparedCount(db))
        }
        #expect(unnamed == Decoded(text: "s1", number: 1, big: 1 << 40, real: 1.25, none: nil, noneNumber: nil, sum: 1, label: "it's $1"))
        #expect(
            Array(prepared) == [
                Decoded(text: "s2", number: 2, big: 2 << 40, real: 2.25, none: nil, noneNumber: nil, sum: 2, label: "it's $1"),
                Decoded(text: "s3", number: 3, big: 3 << 40, real: 3.25, none: nil, noneNumber: nil, sum: 3, label: "it's $1"),
            ])
        #expect(count == 1, "the typed-row statement is prepared once on its connection")
        // A bound value where there was a NULL is another statement (its parameter has a type now).
        let named = try await backend.transaction(timeout: nil) { db in
            for _ in 0..<2 { _ = try await Self.typedRow(db, 4, missing: "x") }
            return try await Self.typedRow(db, 5, missing: "y").none
        }
        #expect(named == "y")
    }

    @Test func offPreparesNothing() async throws {
        let backend = backend(prepares: false)
        defer { backend.closeInBackground() }
        let count = try await backend.transaction(timeout: nil) { db in
            for i in 1...3 { _ = try await Self.typedRow(db, i, missing: nil) }
            return try await Self.preparedCount(db)
        }
        #expect(count == 0)
        #expect(try PostgresURL.preparesStatements(url + "&prepared_statements=off") == false)
        #expect(throws: StoreError.self) { try PostgresURL.preparesStatements(url + "&prepared_statements=maybe") }
    }

    /// `SELECT *` prepared, then a column added by another session (a migration while workers run):
    /// PostgreSQL refuses the cached plan ("cached plan must not change result type"); the statement
    /// is forgotten and the transaction retried, and it answers with the new column.
    @Test func aStalePlanIsForgottenAndTheCallRetried() async throws {
        let backend = backend()
        defer { backend.closeInBackground() }
        try await backend.transaction(timeout: nil) { db in
            try await db.raw("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)").run()
            try await db.raw("INSERT INTO t VALUES (1, 'a')").run()
        }
        let attempts = Attempts()
        // Outside a transaction (each statement commits): no lock on t keeps the ALTER waiting.
        let columns = try await backend.read { db in
            if attempts.next() == 1 {
                for _ in 0..<3 { _ = try await db.raw("SELECT * FROM t WHERE id = \(bind: 1)").first() }
                #expect(try await Self.preparedCount(db) == 1)
                try await TestDatabase.execute("ALTER TABLE t ADD COLUMN extra INTEGER DEFAULT 7", url: url)
                do {
                    _ = try await db.raw("SELECT * FROM t WHERE id = \(bind: 1)").first()
                } catch {
                    attempts.failed(error, after: .zero)
                    throw error
                }
            }
            return try await db.raw("SELECT * FROM t WHERE id = \(bind: 1)").first()!.allColumns
        }
        #expect(attempts.count == 2, "the stale plan failed the first attempt, the retry answered")
        let failure = try #require(attempts.failure).0
        #expect(PostgresServerError.reported(failure)?.isStalePreparedStatement == true, "\(String(reflecting: failure))")
        #expect(columns == ["id", "name", "extra"])
    }

    /// A server error through a prepared statement keeps its SQLSTATE and message (the worker's last
    /// error shows it), is not retried, and leaves the connection sound.
    @Test func aServerErrorFromAPreparedStatementIsReported() async throws {
        let backend = backend()
        defer { backend.closeInBackground() }
        try await backend.transaction(timeout: nil) { db in try await db.raw("CREATE TABLE u (id INTEGER PRIMARY KEY)").run() }
        let attempts = Attempts()
        do {
            try await backend.transaction(timeout: nil) { db in
                _ = attempts.next()
                for i in [1, 2, 2] { try await db.raw("INSERT INTO u VALUES (\(bind: i))").run() }
            }
            Issue.record("a duplicate key was accepted")
        } catch {
            let reported = try #require(PostgresServerError.reported(error), "\(String(reflecting: error))")
            #expect(reported.sqlState == "23505")
            #expect(PostgresBackend.describe(error).contains("duplicate key"))
            #expect(!PostgresBackend.isTransient(error))
        }
        #expect(attempts.count == 1)
        #expect(
            try await backend.read { db in try await db.raw("SELECT count(*) AS n FROM u").first()!.decode(column: "n", as: Int.self) } == 0
        )
    }

    @Test func castsFollowTheBindsOutsideQuotes() {
        #expect(
            PreparedCall.typed(
                "SELECT $1, '$2', $2 || 'x''$1' WHERE a = $10", casts: ["text", "float8"] + Array(repeating: nil, count: 7) + ["int8"])
                == "SELECT $1::text, '$2', $2::float8 || 'x''$1' WHERE a = $10::int8")
        #expect(PreparedCall.typed("SELECT $1 -- a comment's quote", casts: ["text"]) == nil)
        #expect(PreparedCall.typed("SELECT $2", casts: ["text"]) == nil)
        let call = PreparedCall(sql: "SELECT $1, $2, $3", binds: ["a", Optional<Int>.none, 2.5])
        #expect(call?.sql == "SELECT $1::text, $2, $3::float8")
        #expect(PreparedCall(sql: "SELECT $1", binds: [UUID()]) == nil, "an unknown type runs unnamed")
    }
}
