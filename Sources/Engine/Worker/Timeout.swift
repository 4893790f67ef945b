import Foundation

/// A call given up after its time limit.
public struct TimedOut: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "no answer within \(limit)" }
}

/// Runs `operation` and gives up on it after `limit`, throwing ``TimedOut``; the operation is
/// canceled then and left to end on its own, never awaited: for a call at shutdown that must not
/// hold the process up (a store call to a database that is gone).
public func withTimeout<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let once = ResultOnce<T>()
    let work = Task { once.finish(await Result(catching: operation)) }
    let timer = Task {
        try? await Task.sleep(for: limit)
        once.finish(.failure(TimedOut(limit: limit)))
    }
    defer {
        work.cancel()
        timer.cancel()
    }
    return try await once.value()
}

/// The first of several results, handed to one waiter.
final class ResultOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?
    private var waiter: CheckedContinuation<T, any Error>?

    func finish(_ value: Result<T, any Error>) {
        let waiting: CheckedContinuation<T, any Error>? = lock.withLock {
            guard result == nil else { return nil }
            result = value
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(with: value)
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<T, any Error>? = lock.withLock {
                if result == nil { waiter = continuation }
                return result
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
