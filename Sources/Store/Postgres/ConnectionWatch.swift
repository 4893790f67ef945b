import Foundation
import PostgresNIO

/// The close of one PostgreSQL connection, observed once for its whole life: statements register
/// while they wait and unregister when answered. (A `closeFuture` callback per statement could
/// never be removed, and a pooled connection lives for hours.)
final class ConnectionWatch: @unchecked Sendable {
    /// The connection's named prepared statements: they live as long as it does.
    let statements = PreparedStatements()
    private let lock = NSLock()
    private var closed = false
    private var nextToken = 0
    private var waiters: [Int: @Sendable () -> Void] = [:]

    /// Calls `onClose` when the connection closes; nil (and no call) when it has closed already.
    func register(_ onClose: @escaping @Sendable () -> Void) -> Int? {
        lock.withLock {
            guard !closed else { return nil }
            nextToken += 1
            waiters[nextToken] = onClose
            return nextToken
        }
    }

    func unregister(_ token: Int) {
        lock.withLock { _ = waiters.removeValue(forKey: token) }
    }

    fileprivate func fire() {
        let waiting: [@Sendable () -> Void] = lock.withLock {
            closed = true
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }
        for onClose in waiting { onClose() }
    }
}

/// One ``ConnectionWatch`` per open connection of a pool, dropped when the connection closes.
final class ConnectionWatches: @unchecked Sendable {
    private let lock = NSLock()
    private var watches: [PostgresConnection.ID: ConnectionWatch] = [:]

    func watch(_ connection: PostgresConnection) -> ConnectionWatch {
        let id = connection.id
        let (watch, isNew): (ConnectionWatch, Bool) = lock.withLock {
            if let watch = watches[id] { return (watch, false) }
            let watch = ConnectionWatch()
            watches[id] = watch
            return (watch, true)
        }
        if isNew {
            connection.closeFuture.whenComplete { [weak self] _ in
                watch.fire()
                self?.remove(id, watch)
            }
        }
        return watch
    }

    private func remove(_ id: PostgresConnection.ID, _ watch: ConnectionWatch) {
        lock.withLock { if watches[id] === watch { watches[id] = nil } }
    }

    var count: Int { lock.withLock { watches.count } }
}
