/// Runs `operation` and gives up on it at `deadline`, throwing `expired()`. The operation is
/// canceled then and awaited: this bounds what honours cancellation (waiting for a pooled
/// connection); statements, whose `EventLoopFuture.get()` ignores cancellation, end by their own
/// deadline (``GuardedConnection``), which is the same instant.
func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant, expired: @escaping @Sendable () -> any Error,
    _ operation: () async throws -> T
) async throws -> T {
    try await withoutActuallyEscaping(operation) { operation in
        // The group finishes before this returns, so the operation never outlives the call; it is
        // run by one child while this task waits, never by two tasks at once.
        let running = UncheckedSendable(operation)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await running.value() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            if let first = try await group.next(), let value = first { return value }
            // The deadline passed: stop waiting for a connection. A statement in flight ends by its
            // own deadline, and its error (which names the statement) is the better one to throw.
            group.cancelAll()
            do {
                if let last = try await group.next(), let value = last { return value }
            } catch let error as PostgresCallFailure {
                throw error
            } catch {}
            throw expired()
        }
    }
}

/// A value handed to a child task that the caller keeps waiting for; see ``withDeadline(_:expired:_:)``.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
