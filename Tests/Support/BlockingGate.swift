import Foundation

/// Blocks the threads that enter until the test releases them all, or a safety timeout passes: a
/// stand-in for work that blocks its thread (a model fit, a NAS that does not answer). A test that
/// blocks more threads than Swift's cooperative pool has (one per core) can run on to release them
/// only if that work is on threads of its own; otherwise they wait out the timeout.
public final class BlockingGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var entered = 0
    private var timedOut = 0
    private var open = false

    public init() {}

    /// How many calls have entered ``block(timeout:)``.
    public var count: Int { condition.withLock { entered } }
    /// How many calls waited out their timeout instead of being released.
    public var timeouts: Int { condition.withLock { timedOut } }

    /// Blocks the calling thread; true when released, false when the timeout passed first.
    @discardableResult
    public func block(timeout: TimeInterval = 300) -> Bool {
        condition.withLock {
            entered += 1
            let deadline = Date().addingTimeInterval(timeout)
            while !open, condition.wait(until: deadline) {}
            if !open { timedOut += 1 }
            return open
        }
    }

    public func release() {
        condition.withLock {
            open = true
            condition.broadcast()
        }
    }

    /// Polls until `expected` calls have entered (or `seconds` pass), then releases them.
    public func releaseWhenEntered(_ expected: Int, within seconds: TimeInterval = 120) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while count < expected, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        release()
    }
}
