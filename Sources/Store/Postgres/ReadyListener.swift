import Foundation
import Logging
import NIOCore
import PostgresNIO
import SQLKit

/// `LISTEN flowrun_ready` on one pooled connection, guarded like every statement
/// (``GuardedConnection``): a listener that died without a word would leave its workers waking only
/// by their poll.
///
/// - The connection's close (the server restarting, `pg_terminate_backend`) is seen at once.
/// - Every `probeInterval` a `SELECT 1` on the same connection must be answered within
///   `probeTimeout`; otherwise the connection is closed: a network that drops packets, or a server
///   that stopped answering, never closes the connection by itself.
/// - PostgresNIO's `LISTEN` is written with no write promise, like its queries (docs/deploy.md): it
///   runs in a task of its own that the guard abandons, after closing the connection, should it
///   never return.
///
/// After a loss the listener connects again with backoff (logged at warning) and, once listening,
/// yields once: a notification may have been missed meanwhile.
struct ReadyListener: Sendable {
    let client: PostgresClient
    let watches: ConnectionWatches
    let logger: Logger
    let probeInterval: Duration
    let probeTimeout: Duration
    /// Set when the backend closes: the pool's connections closing then is no loss to report.
    let closing: ClosedFlag

    static var channel: String { PostgresBackend.readyChannel }

    func notifications() -> AsyncStream<Void> {
        AsyncStream { continuation in
            let task = Task {
                var delay: Duration = .milliseconds(100)
                while !Task.isCancelled, !closing.isSet {
                    let started = ContinuousClock.now
                    do {
                        try await client.withConnection { connection in
                            try await listen(on: connection, continuation)
                        }
                    } catch {
                        guard !Task.isCancelled, !closing.isSet else { break }
                        // A listener that lasted a while starts its backoff afresh.
                        if ContinuousClock.now - started > .seconds(30) { delay = .milliseconds(100) }
                        logger.warning(
                            "postgres: the LISTEN connection was lost (\(PostgresBackend.describe(error))); listening again in \(delay) (workers poll meanwhile)"
                        )
                    }
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Listens on `connection` until it closes, a probe fails, or the task is canceled; always throws.
    private func listen(on connection: PostgresConnection, _ continuation: AsyncStream<Void>.Continuation) async throws {
        let alarm = Alarm()
        let watch = watches.watch(connection)
        guard let token = watch.register({ alarm.ring() }) else {
            throw PostgresCallFailure.closedBeforeSending(statement: "'LISTEN \(Self.channel)'")
        }
        defer { watch.unregister(token) }
        let listening = Task {
            defer { alarm.ring() }
            try await connection.listen(on: Self.channel) { notifications in
                continuation.yield()
                for try await _ in notifications { continuation.yield() }
            }
        }
        defer { listening.cancel() }
        while true {
            let rung = await withTaskCancellationHandler {
                await alarm.wait(upTo: probeInterval)
            } onCancel: {
                alarm.ring()
            }
            try Task.checkCancellation()
            if rung {
                if connection.isClosed { throw PostgresCallFailure.closedWhileWaiting(statement: "'LISTEN \(Self.channel)'") }
                // The LISTEN ended on its own (its sequence failed): start over on a fresh connection.
                connection.close().whenFailure { _ in }
                throw ListenEnded()
            }
            let probe = GuardedConnection(
                connection: connection, watch: watch, timeout: probeTimeout,
                deadline: .now() + .nanoseconds(Int64(probeTimeout / .nanoseconds(1))), logger: logger)
            do {
                try await probe.execute(sql: SQLRaw("SELECT 1")) { _ in }
            } catch {
                // Closed by the probe's deadline already; a server error leaves it open: close it too.
                probe.close()
                throw error
            }
        }
    }
}

/// The LISTEN ended without the connection closing.
private struct ListenEnded: Error, CustomStringConvertible {
    var description: String { "the LISTEN ended" }
}

/// Rung once (by the connection's close, or the LISTEN task's end); waited for with a timeout.
private final class Alarm: @unchecked Sendable {
    private let lock = NSLock()
    private var rung = false
    private var waiter: CheckedContinuation<Bool, Never>?

    func ring() {
        let waiting: CheckedContinuation<Bool, Never>? = lock.withLock {
            rung = true
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(returning: true)
    }

    /// True when rung (now or before), false when `duration` passed first.
    func wait(upTo duration: Duration) async -> Bool {
        var timer: Task<Void, Never>?
        defer { timer?.cancel() }
        return await withCheckedContinuation { continuation in
            let now: Bool = lock.withLock {
                if rung { return true }
                waiter = continuation
                return false
            }
            if now { return continuation.resume(returning: true) }
            // Started once the waiter is in place, so its end cannot come first and be lost.
            timer = Task { [weak self] in
                try? await Task.sleep(for: duration)
                self?.timeUp()
            }
        }
    }

    private func timeUp() {
        let waiting: CheckedContinuation<Bool, Never>? = lock.withLock {
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(returning: false)
    }
}
