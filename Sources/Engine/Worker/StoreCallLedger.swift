import Foundation
import Store

/// The worker's store calls that have not returned, and the last one that failed: what its
/// heartbeat writes into its `workers` row, so `/api/health` shows a stuck worker on any machine.
///
/// A value kept inside the ``Worker`` actor: calls begin and end on the actor, so no lock is needed.
struct StoreCallLedger {
    private var open: [UInt64: WorkerStoreCall] = [:]
    private var nextID: UInt64 = 0
    private(set) var lastError: WorkerStoreError?

    /// Notes a call starting at `now`; pass the id to ``end(_:)``.
    mutating func begin(_ call: String, at now: Date) -> UInt64 {
        nextID += 1
        open[nextID] = WorkerStoreCall(call: call, startedAt: now)
        return nextID
    }

    mutating func end(_ id: UInt64) {
        open.removeValue(forKey: id)
    }

    mutating func failed(_ call: String, _ error: any Error, at now: Date) {
        lastError = WorkerStoreError(message: "\(call): \(ErrorText.of(error))", at: now)
    }

    /// The call in flight longest (of calls begun at the same instant, the first begun); nil when none is.
    var oldest: WorkerStoreCall? {
        open.min { ($0.value.startedAt, $0.key) < ($1.value.startedAt, $1.key) }?.value
    }

    var inFlight: Int { open.count }
}
