import Foundation

/// A store call that may not come back — seen once in many runs after a PostgreSQL restart: one
/// call never returned while the pool served the next ones. The worker gives such a call up after
/// `seconds` and carries on; the abandoned call may still land later, which the execution protocol
/// tolerates (a late claim only holds leases that expire; a late completion is checked).
enum StoreDeadline {
    struct Expired: Error, CustomStringConvertible {
        let seconds: Double
        var description: String { "the database did not answer within \(Int(seconds)) s" }
    }

    static func run<T: Sendable>(_ seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let gate = ResumeOnce<T>()
        return try await withCheckedThrowingContinuation { continuation in
            gate.set(continuation)
            let timer = Task {
                try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                if !Task.isCancelled { gate.resume(.failure(Expired(seconds: seconds))) }
            }
            Task {
                do { gate.resume(.success(try await operation())) } catch { gate.resume(.failure(error)) }
                timer.cancel()
            }
        }
    }
}

/// Resumes a continuation at most once, from whichever side comes first.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    @discardableResult
    func resume(_ result: Result<T, any Error>) -> Bool {
        let taken: CheckedContinuation<T, any Error>? = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        taken?.resume(with: result)
        return taken != nil
    }
}
