import Foundation

/// The engine's source of time. Leases, retries, timeouts and polling read it, so tests drive
/// them with a manual clock (`ManualClock`, in the tests' support target) instead of sleeping.
public protocol EngineClock: Sendable {
    func now() -> Date
    /// Suspends for `duration`; throws `CancellationError` when the task is canceled.
    func sleep(for duration: Duration) async throws
}

/// Wall-clock time.
public struct SystemClock: EngineClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

extension Duration {
    /// The duration in (fractional) seconds.
    public var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}
