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

    /// Runs one statement on the server at `url`.
    public static func execute(_ sql: String, url: String) async throws {
        guard let components = URLComponents(string: url), let host = components.host else {
            throw TestDatabaseError("bad URL \(url)")
        }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: String(components.path.dropFirst()), tls: .disable)
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

public struct TestDatabaseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
