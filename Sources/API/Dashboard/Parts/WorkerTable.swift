import Foundation
import Store

/// The overview's workers panel (`parts/worker-table`): each live worker's steps held of its
/// slots, heartbeat age, oldest unfinished store call and last store error, as the worker wrote
/// them with its heartbeat — so workers on other machines show too.
struct WorkerTable: Encodable {
    /// A store call older than this, or a heartbeat older than this, marks the worker as stuck:
    /// a healthy store call takes milliseconds, and heartbeats come every 10 s by default.
    static let stuckAfter: Double = 30

    struct Row: Encodable {
        let name: String
        let host: String
        let held: String
        let heartbeatAge: String
        let heartbeatLate: Bool
        let hasCall: Bool
        let call: String
        let callAge: String
        let callStartedAt: Stamp
        let stuck: Bool
        let hasError: Bool
        let error: String
        let errorAt: Stamp
    }

    let rows: [Row]
    let hasRows: Bool

    init(_ workers: [WorkerRecord], now: Date) {
        hasRows = !workers.isEmpty
        rows = workers.map { worker in
            let view = WorkerView(worker, now: now)
            let callAge = view.oldestStoreCall?.ageSeconds
            return Row(
                name: worker.name, host: worker.host,
                held: worker.concurrency.map { "\(worker.stepsHeld) / \($0)" } ?? "\(worker.stepsHeld)",
                heartbeatAge: Format.duration(view.heartbeatAgeSeconds), heartbeatLate: view.heartbeatAgeSeconds > Self.stuckAfter,
                hasCall: view.oldestStoreCall != nil, call: view.oldestStoreCall?.call ?? "",
                callAge: Format.duration(callAge), callStartedAt: Stamp(view.oldestStoreCall?.startedAt),
                stuck: (callAge ?? 0) > Self.stuckAfter,
                hasError: view.lastError != nil, error: view.lastError?.message ?? "", errorAt: Stamp(view.lastError?.at))
        }
    }
}
