import Foundation

/// In-process holds for tests of a stuck call: a test ``hold(_:)``s a name, and code passing
/// ``pass(_:)`` with that name waits there until the test ``release(_:)``s it — a store call that
/// does not return, without a real network fault. Unarmed, a pass costs one lock.
extension Failpoints {
    private final class Holds: @unchecked Sendable {
        let lock = NSLock()
        var armed: Set<String> = []
        var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]
    }

    private static let holds = Holds()

    /// From now on, ``pass(_:)`` with `name` waits until ``release(_:)``.
    public static func hold(_ name: String) {
        holds.lock.withLock { _ = holds.armed.insert(name) }
    }

    /// Disarms `name` and lets every waiter at it go on.
    public static func release(_ name: String) {
        let waiters: [CheckedContinuation<Void, Never>] = holds.lock.withLock {
            holds.armed.remove(name)
            return holds.waiting.removeValue(forKey: name) ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many tasks are waiting at `name` now.
    public static func waiting(at name: String) -> Int {
        holds.lock.withLock { holds.waiting[name]?.count ?? 0 }
    }

    /// Waits while `name` is held. Not cancellable: a call stuck in the network ignores
    /// cancellation too, and that is what a hold stands for.
    public static func pass(_ name: String) async {
        guard holds.lock.withLock({ holds.armed.contains(name) }) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = holds.lock.withLock {
                guard holds.armed.contains(name) else { return true }
                holds.waiting[name, default: []].append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
