import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL through a PostgresNIO connection pool. Each transaction leases one connection.
///
/// The pool reconnects on its own; a transaction that fails before its `COMMIT` was sent — the
/// server restarting, a deadlock between claimers and a canceler, a serialization failure — is
/// rolled back by the server and tried again with backoff, for up to `retryWindow`. One that
/// fails while committing is not retried: whether it landed is unknown, and every write of the
/// execution protocol is checked against the step's state, so the caller's next move is safe.
final class PostgresBackend: SQLBackend {
    static let readyChannel = "flowrun_ready"

    let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let retryWindow: Duration = .seconds(30)

    init(configuration: PostgresClient.Configuration, logger: Logger) {
        // The pool may be asked for a connection a moment before its run() task starts; it waits
        // for it, but warns. Connection failures surface as errors of the store's calls anyway.
        var poolLogger = logger
        poolLogger.logLevel = .error
        client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.logger = logger
        let client = self.client
        runner = Task { await client.run() }
    }

    var dialect: SQLStore.Dialect { .postgres }

    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await retrying {
            try await client.withConnection { connection in
                let db = connection.sql(queryLogLevel: nil)
                try await db.raw("BEGIN").run()
                let result: T
                do {
                    result = try await body(db)
                } catch {
                    try? await db.raw("ROLLBACK").run()
                    throw error
                }
                do {
                    try await db.raw("COMMIT").run()
                } catch {
                    throw CommitFailed(underlying: error)
                }
                return result
            }
        }
    }

    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await retrying {
            try await client.withConnection { connection in try await body(connection.sql(queryLogLevel: nil)) }
        }
    }

    /// Tries `operation` again while it fails for a reason that a moment fixes.
    private func retrying<T: Sendable>(_ operation: () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: retryWindow)
        var delay: Duration = .milliseconds(20)
        while true {
            do {
                return try await operation()
            } catch let failed as CommitFailed {
                throw failed.underlying
            } catch {
                guard Self.isTransient(error), clock.now < deadline, !Task.isCancelled else { throw error }
                logger.debug("postgres: retrying after \(String(reflecting: error))")
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
    }

    /// Serialization failures, deadlocks, and a server or connection that went away.
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        if let state = error.serverInfo?[.sqlState] {
            // 40001 serialization_failure, 40P01 deadlock_detected, 57P01..57P03 shutdown/cannot connect now,
            // 08xxx connection exceptions.
            return state == "40001" || state == "40P01" || state.hasPrefix("57P") || state.hasPrefix("08")
        }
        switch error.code {
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection:
            return true
        default:
            return false
        }
    }

    /// One connection kept for `LISTEN flowrun_ready`; after a lost connection it listens again and
    /// yields once, since a notification may have been missed meanwhile.
    func readyNotifications() -> AsyncStream<Void> {
        let client = self.client
        let logger = self.logger
        return AsyncStream { continuation in
            let task = Task {
                while !Task.isCancelled {
                    do {
                        try await client.withConnection { connection in
                            try await connection.listen(on: Self.readyChannel) { notifications in
                                continuation.yield()
                                for try await _ in notifications { continuation.yield() }
                            }
                        }
                    } catch {
                        logger.debug("postgres: LISTEN lost: \(error)")
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func close() async throws {
        runner.cancel()
        _ = await runner.value
    }

    func closeInBackground() { runner.cancel() }
}

/// A failure while committing: not retried, as the transaction may have landed.
private struct CommitFailed: Error {
    let underlying: any Error
}
