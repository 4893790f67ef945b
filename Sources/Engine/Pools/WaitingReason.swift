import Foundation
import Store

/// Why a ready step is not running yet ("why is it waiting?"), worked out at read time from the
/// store's state: the API's step document (`waiting_reason`), `flowrun runs show` and the run page
/// show it. Checked in the order a user acts on: a retry's backoff, no worker at all, a full pool,
/// full workers; otherwise it is next in line.
public enum WaitingReason: Sendable, Equatable, CustomStringConvertible {
    /// A failed attempt's retry is not due yet.
    case retryBackoff(until: Date)
    /// No worker has sent a heartbeat within the last minute.
    case noLiveWorker
    /// The step's pool is at its limit; `holders` are (run, step) of the pool's running steps.
    case pool(name: String, limit: Int, inUse: Int, holders: [(run: String, step: String)])
    /// No live worker has the step's `cpu` slots free.
    case slots(needed: Int, used: Int, total: Int)
    /// Nothing holds it back: a worker takes it at its next claim (after steps ahead in claim order).
    case next

    public var description: String {
        switch self {
        case .retryBackoff(let until):
            "not before \(Self.clockTime(until)) (retry backoff)"
        case .noLiveWorker:
            "no live worker (start one: flowrun worker, or flowrun serve)"
        case .pool(let name, let limit, let inUse, let holders):
            "waiting for pool \(name) (\(inUse)/\(limit) in use"
                + (holders.isEmpty
                    ? ""
                    : " by " + holders.prefix(3).map { "run \($0.run) step \($0.step)" }.joined(separator: ", ")
                        + (holders.count > 3 ? " and \(holders.count - 3) more" : ""))
                + ")"
        case .slots(let needed, let used, let total):
            "waiting for slots (\(used)/\(total) in use; it needs \(needed))"
        case .next:
            "ready: next for a free worker"
        }
    }

    public static func == (a: WaitingReason, b: WaitingReason) -> Bool { a.description == b.description }

    static func clockTime(_ date: Date) -> String {
        let format = Date.FormatStyle(date: .omitted, time: .standard, timeZone: TimeZone(identifier: "UTC")!)
            .hour(.twoDigits(amPM: .omitted)).minute(.twoDigits).second(.twoDigits)
        return date.formatted(format) + " UTC"
    }

    /// The one rule, for one ready step, given the store's state at `now`.
    static func of(
        _ step: StepRunRecord, now: Date, liveWorkers: [WorkerRecord], running: [StepRunRecord], pools: [PoolRecord]
    ) -> WaitingReason {
        if let notBefore = step.notBefore, notBefore > now { return .retryBackoff(until: notBefore) }
        // A worker bound to one run (`flowrun run`) takes only that run's steps; it still counts as live.
        guard !liveWorkers.isEmpty else { return .noLiveWorker }
        if let name = step.pool, let pool = pools.first(where: { $0.name == name }), let limit = pool.slots, pool.inUse >= limit {
            let holders = running.filter { $0.pool == name }.map { (run: $0.runID, step: $0.stepID) }
            return .pool(name: name, limit: limit, inUse: pool.inUse, holders: holders)
        }
        var used: [String: Int] = [:]
        for held in running { if let worker = held.worker { used[worker, default: 0] += held.cpu } }
        let slots = liveWorkers.map { (total: $0.concurrency ?? 1, used: used[$0.name] ?? 0) }
        if !slots.contains(where: { $0.total - $0.used >= step.cpu }) {
            return .slots(needed: step.cpu, used: slots.reduce(0) { $0 + $1.used }, total: slots.reduce(0) { $0 + $1.total })
        }
        return .next
    }
}

extension Engine {
    /// Each ready step's waiting reason, by step id (empty when the run has none ready).
    public func waitingReasons(runID: String) async throws -> [String: WaitingReason] {
        try await waitingReasons(for: try await store.steps(runID: runID))
    }

    /// The same for steps already read (a page that has them saves a read).
    public func waitingReasons(for steps: [StepRunRecord]) async throws -> [String: WaitingReason] {
        let ready = steps.filter { $0.state == .ready }
        guard !ready.isEmpty else { return [:] }
        let now = clock.now()
        let live = try await store.workers(since: now.addingTimeInterval(-Self.liveWorkerWindow))
        let running = try await store.runningSteps()
        let pools = ready.contains { $0.pool != nil } ? try await store.pools() : []
        var reasons: [String: WaitingReason] = [:]
        for step in ready {
            reasons[step.stepID] = WaitingReason.of(step, now: now, liveWorkers: live, running: running, pools: pools)
        }
        return reasons
    }
}
