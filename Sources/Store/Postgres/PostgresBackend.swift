import Foundation
import Logging
import NIOCore
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
///
/// No call waits for ever: each has a deadline (``Deadlines``) that bounds waiting for a
/// connection and every statement, and each statement also ends when its connection closes
/// (``GuardedConnection``, which guards against a PostgresNIO bug that otherwise hangs the call).
final class PostgresBackend: SQLBackend {
    static let readyChannel = "flowrun_ready"

    /// How long one call (a transaction or a read, with every statement in it) may take.
    struct Deadlines: Sendable {
        var call: Duration = .seconds(30)
        /// How often the LISTEN connection is asked `SELECT 1`, and how long it may take to answer
        /// (``ReadyListener``): a dead listener is replaced within their sum.
        var listenProbeInterval: Duration = .seconds(5)
        var listenProbeTimeout: Duration = .seconds(5)
    }

    let client: PostgresClient
    let deadlines: Deadlines
    /// Repeated statements run as named prepared statements (``PreparedStatements``); off for a
    /// pooler that does not keep them (PgBouncer's transaction mode before 1.21): `prepared_statements=off`.
    let preparesStatements: Bool
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let watches = ConnectionWatches()
    private let closing = ClosedFlag()
    private let retryWindow: Duration = .seconds(30)

    init(configuration: PostgresClient.Configuration, logger: Logger, deadlines: Deadlines = Deadlines(), preparesStatements: Bool = true) {
        // The pool may be asked for a connection a moment before its run() task starts; it waits
        // for it, but warns. Connection failures surface as errors of the store's calls anyway.
        var poolLogger = logger
        poolLogger.logLevel = .error
        // The server's side of the deadline: a statement or transaction left behind by a client that
        // gave up on it (or vanished with the network) is ended a little after the client's
        // deadline, so its row locks do not outlive it until TCP keepalive notices — hours.
        var configuration = configuration
        let serverTimeout = "\(Self.milliseconds(deadlines.call + Self.serverGrace))"
        configuration.options.additionalStartupParameters += [
            ("statement_timeout", serverTimeout), ("idle_in_transaction_session_timeout", serverTimeout),
        ]
        client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.logger = logger
        self.deadlines = deadlines
        self.preparesStatements = preparesStatements
        let client = self.client
        runner = Task { await client.run() }
    }

    var dialect: SQLStore.Dialect { .postgres }

    func transaction<T: Sendable>(timeout: Duration?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await retrying {
            try await withConnection(timeout: timeout ?? deadlines.call) { db in
                try await db.raw("BEGIN").run()
                if let timeout, timeout > deadlines.call {
                    try await db.raw("SET LOCAL statement_timeout = \(unsafeRaw: "\(Self.milliseconds(timeout + Self.serverGrace))")").run()
                }
                let result: T
                do {
                    result = try await body(db)
                } catch {
                    await db.rollBack()
                    throw error
                }
                do {
                    try await db.raw("COMMIT").run()
                } catch PostgresCallFailure.closedBeforeSending(let statement) {
                    // Never reached the server, which rolled the transaction back: safe to try again.
                    throw PostgresCallFailure.closedBeforeSending(statement: statement)
                } catch {
                    throw CommitFailed(underlying: error)
                }
                return result
            }
        }
    }

    func statement<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await retrying {
            try await withConnection(timeout: deadlines.call) { db in
                do {
                    return try await body(db)
                } catch PostgresCallFailure.closedBeforeSending(let statement) {
                    // Never reached the server: safe to try again.
                    throw PostgresCallFailure.closedBeforeSending(statement: statement)
                } catch let error where PostgresServerError.reported(error) != nil && !GuardedConnection.leavesConnectionUnknown(error) {
                    // The server refused it (a serialization failure, a deadlock): it was rolled back.
                    throw error
                } catch {
                    // Lost in flight: it may have committed, like a failed COMMIT; not retried.
                    throw CommitFailed(underlying: error)
                }
            }
        }
    }

    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await retrying {
            try await withConnection(timeout: deadlines.call) { db in try await body(db) }
        }
    }

    /// How much longer than the client the server waits before it ends a statement.
    private static let serverGrace: Duration = .seconds(5)

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// Connections this backend watches for closing: at most the open ones.
    var openConnectionWatches: Int { watches.count }

    /// Leases a connection and runs `body` on it, all within `timeout`.
    private func withConnection<T: Sendable>(timeout: Duration, _ body: (GuardedConnection) async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        let statementsDeadline = NIODeadline.now() + .nanoseconds(Int64(timeout / .nanoseconds(1)))
        let (watches, logger, prepares) = (self.watches, self.logger, preparesStatements)
        return try await withDeadline(deadline, expired: { PostgresCallFailure.noConnection(timeout: timeout) }) {
            try await client.withConnection { connection in
                // On the connection's event loop: no thread crossings per statement (EventLoopTaskExecutor).
                try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
                    try await body(
                        GuardedConnection(
                            connection: connection, watch: watches.watch(connection), timeout: timeout,
                            deadline: statementsDeadline, prepares: prepares, logger: logger))
                }
            }
        }
    }

    /// Tries `operation` again while it fails for a reason that a moment fixes.
    private func retrying<T: Sendable>(_ operation: () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: retryWindow)
        var delay: Duration = .milliseconds(20)
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch let failed as CommitFailed {
                throw failed.underlying
            } catch {
                guard Self.isTransient(error), clock.now < deadline, !Task.isCancelled else { throw error }
                // Contention between workers is routine; a lost server or connection is worth a warning.
                let level: Logger.Level = Self.isContention(error) ? .debug : .warning
                logger.log(level: level, "postgres: attempt \(attempt) failed, retrying in \(delay): \(Self.describe(error))")
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
                attempt += 1
            }
        }
    }

    /// Serialization failures, deadlocks, and a server or connection that went away.
    static func isTransient(_ error: any Error) -> Bool {
        if error is PostgresCallFailure { return true }
        if let reported = PostgresServerError.reported(error) {
            let state = reported.sqlState
            // 40001 serialization_failure, 40P01 deadlock_detected, 57P01..57P03 shutdown/cannot connect now,
            // 08xxx connection exceptions; a prepared statement the server lost or whose plan went stale
            // (forgotten by then: the next try prepares it afresh).
            return state == "40001" || state == "40P01" || state.hasPrefix("57P") || state.hasPrefix("08")
                || reported.isStalePreparedStatement
        }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection:
            return true
        default:
            return false
        }
    }

    /// A serialization failure or a deadlock: two transactions met, nothing is wrong.
    static func isContention(_ error: any Error) -> Bool {
        guard let state = PostgresServerError.reported(error)?.sqlState else { return false }
        return state == "40001" || state == "40P01"
    }

    /// One line: PSQLError's own description hides the server's message.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PostgresServerError { return error.description + advice(error.sqlState) }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState] ?? "?"
            return "\(message) (SQLSTATE \(state))" + advice(state)
        }
        return "\(error.code)"
    }

    /// What to do, for the server errors whose message alone does not say it.
    private static func advice(_ sqlState: String) -> String {
        switch sqlState {
        // disk_full: "could not extend file …: No space left on device" names a file, not the cause.
        case "53100": ": the database server's disk is full; free space there and flowrun goes on"
        // too_many_connections
        case "53300": ": the server's max_connections is reached; raise it, or run fewer flowrun processes against it"
        default: ""
        }
    }

    /// See ``ReadyListener``.
    func readyNotifications() -> AsyncStream<Void> {
        ReadyListener(
            client: client, watches: watches, logger: logger,
            probeInterval: deadlines.listenProbeInterval, probeTimeout: deadlines.listenProbeTimeout, closing: closing
        ).notifications()
    }

    func close() async throws {
        _ = closing.set()
        runner.cancel()
        _ = await runner.value
    }

    func closeInBackground() {
        _ = closing.set()
        runner.cancel()
    }
}

/// A failure while committing: not retried, as the transaction may have landed.
private struct CommitFailed: Error {
    let underlying: any Error
}
