import Foundation
import Store

/// One look at the store for `/api/health` and `/metrics`: run counts, live workers, queue depth.
struct StoreSnapshot: Sendable {
    var takenAt: Date
    var runCounts: [RunState: Int]
    var workers: [WorkerRecord]
    var queueDepth: Int
    /// The step cache's size; nil when the store could not be read.
    var cache: CacheUsage? = nil
    /// Pools with a limit or with ready or running steps: queue depth per pool.
    var pools: [PoolRecord] = []
    /// Why the store could not be read; nil when it could.
    var error: String?
}

/// Takes a ``StoreSnapshot`` at most once per `ttl`, so a load balancer polling `/api/health`
/// thousands of times a second costs the database nothing.
actor StoreSnapshots {
    private let services: APIServices
    private var cached: StoreSnapshot?
    private var inFlight: Task<StoreSnapshot, Never>?

    init(services: APIServices) {
        self.services = services
    }

    func current() async -> StoreSnapshot {
        let now = services.engine.clock.now()
        if let cached, now.timeIntervalSince(cached.takenAt) < services.snapshotTTL, now >= cached.takenAt { return cached }
        if let inFlight { return await inFlight.value }
        let services = self.services
        let task = Task { await StoreSnapshots.take(services, now: now) }
        inFlight = task
        let snapshot = await task.value
        cached = snapshot
        inFlight = nil
        return snapshot
    }

    static func take(_ services: APIServices, now: Date) async -> StoreSnapshot {
        let store = services.engine
        do {
            let counts = try await store.runCounts()
            let workers = try await store.workers(since: now.addingTimeInterval(-60))
            let depth = try await store.queueDepth()
            let cache = try await store.cacheUsage()
            let pools = try await store.pools()
            return StoreSnapshot(takenAt: now, runCounts: counts, workers: workers, queueDepth: depth, cache: cache, pools: pools)
        } catch {
            return StoreSnapshot(takenAt: now, runCounts: [:], workers: [], queueDepth: 0, error: "\(error)")
        }
    }
}
