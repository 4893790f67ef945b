/// How often and how soon a failed step runs again.
public struct RetryPolicy: Sendable, Equatable {
    public enum Backoff: String, Sendable, CaseIterable {
        case fixed, exponential
    }

    public var maxRetries: Int
    public var delay: Duration
    public var backoff: Backoff
    public var maxDelay: Duration?

    public init(maxRetries: Int = 0, delay: Duration = .seconds(10), backoff: Backoff = .fixed, maxDelay: Duration? = nil) {
        self.maxRetries = maxRetries
        self.delay = delay
        self.backoff = backoff
        self.maxDelay = maxDelay
    }

    public var maxAttempts: Int { maxRetries + 1 }

    /// The wait before the attempt after `attempt` (1-based) failed: `delay`, or for exponential
    /// backoff `delay × 2^(attempt-1)`, never more than `maxDelay`.
    public func delay(afterAttempt attempt: Int) -> Duration {
        var wait = delay
        if backoff == .exponential {
            wait = delay * Int(pow2(max(0, min(attempt - 1, 30))))
        }
        if let maxDelay, wait > maxDelay { wait = maxDelay }
        return wait
    }

    private func pow2(_ n: Int) -> Int { 1 << n }
}
