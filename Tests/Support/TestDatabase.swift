import Foundation
import Logging
import PostgresNIO

/// The databases the store conformance tests run against: always SQLite; PostgreSQL when
/// `FLOWRUN_TEST_DATABASE_URL` is set (`scripts/with-postgres` sets it) — and always under `CI`,
/// where a missing server must fail the tests, never skip them.
public enum TestDatabase: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    public static var all: [TestDatabase] {
        let env = ProcessInfo.processInfo.environment
        return env["FLOWRUN_TEST_DATABASE_URL"] != nil || env["CI"] != nil ? [.sqlite, .postgres] : [.sqlite]
    }

    public var description: String { rawValue }

    /// A new, empty database: a file in `folder`, or a fresh PostgreSQL database on the test server.
    public func makeURL(in folder: URL) async throws -> String {
        switch self {
        case .sqlite:
            return folder.appendingPathComponent("flowrun.sqlite").path
        case .postgres:
            guard let admin = ProcessInfo.processInfo.environment["FLOWRUN_TEST_DATABASE_URL"],
                var components = URLComponents(string: admin)
            else {
                throw TestDatabaseError(
                    "FLOWRUN_TEST_DATABASE_URL is not set: run the tests through scripts/with-postgres (CI requires PostgreSQL)")
            }
            let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await Self.execute("CREATE DATABASE \(name)", url: admin)
            components.path = "/\(name)"
            return components.string!
        }
    }

    /// Runs one statement on the server at `url`, within `timeout`.
    ///
    /// Bounded because this is a bare PostgresNIO connection, without the store's guard: a statement
    /// written after the server closed the connection (a restart under the fault tests) is lost by
    /// PostgresNIO 1.33.2 and never answered (docs/deploy.md, "A PostgresNIO bug, guarded"). The
    /// fault suite's connection cutter hung for good on one such statement, and the CI with it.
    public static func execute(_ sql: String, url: String, timeout: Duration = .seconds(15)) async throws {
        guard let components = URLComponents(string: url), let host = components.host else {
            throw TestDatabaseError("bad URL \(url)")
        }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: String(components.path.dropFirst()), tls: .disable)
        try await withDeadline(timeout, "'\(sql.prefix(60))'") {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "test-db"))
            do {
                try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test-db"))
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        }
    }

    /// `body`'s result, or an error once `timeout` has passed. Not structured on purpose: a child
    /// task that never ends would hold a task group (and its caller) for ever; `body` is left to
    /// finish or hang on its own.
    static func withDeadline<T: Sendable>(
        _ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let once = OnceGate()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let work = Task {
                do {
                    let value = try await body()
                    if once.open() { continuation.resume(returning: value) }
                } catch {
                    if once.open() { continuation.resume(throwing: error) }
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                if once.open() {
                    work.cancel()
                    continuation.resume(throwing: TestDatabaseError("\(what): no answer within \(timeout)"))
                }
            }
        }
    }
}

/// Opens once: the first caller of ``open()`` gets true.
final class OnceGate: @unchecked Sendable {
    private let lock = NSLock()
    private var opened = false

    func open() -> Bool {
        lock.withLock {
            defer { opened = true }
            return !opened
        }
    }
}

public struct TestDatabaseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
