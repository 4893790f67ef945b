import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A transaction of the test's own holding `SELECT … FOR UPDATE` on one run's row: every write that
/// locks the run (a completion, a takeback) waits until ``release()``, while writes that do not
/// (extending a lease) go through — a store call that does not return, made to order.
final class RunRowLock {
    private let connection: PostgresConnection

    init(url: String, runID: String) async throws {
        guard let components = URLComponents(string: url), let host = components.host else {
            throw CocoaError(.fileReadInvalidFileName)
        }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: String(components.path.dropFirst()), tls: .disable)
        connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: Logger(label: "row-lock"))
        try await connection.query("BEGIN", logger: Logger(label: "row-lock"))
        try await connection.query("SELECT id FROM runs WHERE id = \(runID) FOR UPDATE", logger: Logger(label: "row-lock"))
    }

    func release() async throws {
        try await connection.query("ROLLBACK", logger: Logger(label: "row-lock"))
        try await connection.close()
    }
}
