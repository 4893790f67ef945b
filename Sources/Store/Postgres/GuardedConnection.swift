import Foundation
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit

/// One leased PostgreSQL connection as an `SQLDatabase` whose statements cannot hang.
///
/// PostgresNIO 1.33.2 writes every query with `channel.write(…, promise: nil)` and then awaits the
/// query's own promise. A query written after the server closed the connection — once NIO has
/// removed the channel's handlers, a tick after the close — fails only its (nil) write promise: the
/// query's promise is never completed and the caller waits for ever. (postgres-nio pull request 487
/// fixed it and 501 reverted it for a leak; see docs/deploy.md. This guard can go when PostgresNIO
/// completes those writes.) So each statement here
/// - is written on the connection's event loop, and only while its channel is still active: the
///   handlers are removed by a later event-loop task than the one that makes the channel inactive,
///   so the query reaches PostgresNIO's handler, whose state machine fails it cleanly should the
///   connection close afterwards; a closed connection fails the statement unsent;
/// - is raced against the connection's close and the call's deadline: whichever comes first ends
///   it, with a ``PostgresCallFailure`` (transient, so the backend retries on a fresh connection);
///   at the deadline the connection is closed.
final class GuardedConnection: SQLDatabase, @unchecked Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// When every statement on this lease must have been answered.
    let deadline: NIODeadline
    private let timeout: Duration
    private let database: any SQLDatabase
    private let watch: ConnectionWatch
    /// Statements this connection has seen before run as named prepared statements (``PreparedStatements``).
    private let prepares: Bool
    private let lock = NSLock()
    private var broken = false

    init(
        connection: PostgresConnection, watch: ConnectionWatch, timeout: Duration, deadline: NIODeadline, prepares: Bool = true,
        logger: Logger
    ) {
        self.connection = connection
        self.watch = watch
        self.prepares = prepares
        self.timeout = timeout
        self.deadline = deadline
        self.logger = logger
        database = connection.sql(queryLogLevel: nil)
    }

    var eventLoop: any EventLoop { connection.eventLoop }
    var dialect: any SQLDialect { database.dialect }
    var queryLogLevel: Logger.Level? { nil }

    /// A statement failed for a reason other than an error the server reported (the connection
    /// closed, the deadline passed, a protocol error): the connection's state is unknown, so it gets
    /// no further statement — no `ROLLBACK` either — and is closed.
    var isBroken: Bool { lock.withLock { broken } }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        if eventLoop.inEventLoop {
            send(query, onRow, promise)
        } else {
            eventLoop.execute { self.send(query, onRow, promise) }
        }
        return promise.futureResult
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try await execute(sql: query, onRow).get()
    }

    /// Ends a failed transaction: `ROLLBACK` on a sound connection, else (or when that fails) closes it,
    /// which makes the server roll back.
    func rollBack() async {
        if !isBroken {
            do {
                try await execute(sql: SQLRaw("ROLLBACK")) { _ in }
                return
            } catch {
                logger.debug("postgres: ROLLBACK failed, closing the connection: \(error)")
            }
        }
        close()
    }

    /// Closes the connection; the pool sees it close and replaces it.
    func close() {
        markBroken()
        connection.close().whenFailure { [logger] error in logger.debug("postgres: closing a connection: \(error)") }
    }

    /// On the connection's event loop.
    private func send(_ query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> (), _ promise: EventLoopPromise<Void>) {
        guard !connection.isClosed else {
            return fail(promise, .closedBeforeSending(statement: excerpt(query)))
        }
        guard deadline > .now() else {
            fail(promise, .deadlineExceeded(statement: excerpt(query), timeout: timeout))
            return close()
        }
        guard let token = watch.register({ [self] in fail(promise, .closedWhileWaiting(statement: excerpt(query))) }) else {
            return fail(promise, .closedBeforeSending(statement: excerpt(query)))
        }
        let timer = eventLoop.scheduleTask(deadline: deadline) { [self] in
            // Failed first: closing fails the query at once with a less telling error.
            fail(promise, .deadlineExceeded(statement: excerpt(query), timeout: timeout))
            close()
        }
        run(query, onRow).whenComplete { [self] result in
            timer.cancel()
            watch.unregister(token)
            switch result {
            case .success:
                promise.succeed(())
            case .failure(let error):
                if Self.leavesConnectionUnknown(error) { markBroken() }
                promise.fail(error)
            }
        }
    }

    /// The statement unnamed, or through the connection's named prepared statement for its text.
    private func run(_ query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        guard prepares else { return database.execute(sql: query, onRow) }
        let (sql, binds) = database.serialize(query)
        guard let call = PreparedCall(sql: sql, binds: binds) else { return database.execute(sql: query, onRow) }
        let statements = watch.statements
        let execute = { @Sendable (statement: PreparedQuery) -> EventLoopFuture<Void> in
            statement.execute(call.binds) { row in onRow(PreparedResultRow(row)) }
        }
        let answer: EventLoopFuture<Void>
        switch statements.decide(call.sql) {
        case .plain:
            return database.execute(sql: query, onRow)
        case .execute(let statement):
            answer = execute(statement)
        case .prepare:
            answer = connection.prepare(query: call.sql).flatMap { statement in
                statements.store(statement, for: call.sql)
                return execute(statement)
            }
        }
        return answer.flatMapErrorThrowing { [self] error in
            let error = PostgresServerError.fromLegacy(error, statement: excerpt(query))
            if (error as? PostgresServerError)?.isStalePreparedStatement == true { statements.forget(call.sql) }
            throw error
        }
    }

    /// Completing a promise twice is a no-op in NIO: the first of answer, close and deadline wins.
    private func fail(_ promise: EventLoopPromise<Void>, _ failure: PostgresCallFailure) {
        markBroken()
        promise.fail(failure)
    }

    private func markBroken() {
        lock.withLock { broken = true }
    }

    private func excerpt(_ query: any SQLExpression) -> String {
        PostgresCallFailure.excerpt(database.serialize(query).sql)
    }

    /// Anything but an error the server reported on a live session (a constraint, a serialization
    /// failure, a deadlock) leaves the connection in an unknown state.
    static func leavesConnectionUnknown(_ error: any Error) -> Bool {
        guard let state = PostgresServerError.reported(error)?.sqlState else { return true }
        // 57P01..57P03: the server is shutting down or terminated this backend; 08xxx: connection exceptions.
        return state.hasPrefix("57P") || state.hasPrefix("08")
    }
}
