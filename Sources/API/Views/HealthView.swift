import Foundation
import Store

/// `GET /api/health`.
struct HealthView: Codable, Sendable {
    /// `ok`, or `degraded` when the store cannot be reached.
    var status: String
    var version: String
    var uptimeSeconds: Double
    var store: StoreHealth
    // The details below (and `store.error`) are for holders of the token only: an anonymous
    // monitor learns whether the server is up, not the names of its machines or its workload.
    /// Workers with a heartbeat in the last 60 seconds.
    var workers: [WorkerView]?
    /// Steps ready to run and waiting for a worker.
    var queueDepth: Int?
    var runs: [String: Int]?
    /// The step cache's entries and the bytes their files hold (what `flowrun cache list` counts).
    var cache: CacheView?
    /// Whether the API requires a bearer token.
    var authRequired: Bool
    /// When the store was looked at (health reuses one look for up to a second).
    var checkedAt: Date

    struct CacheView: Codable, Sendable {
        var entries: Int
        var bytes: Int64
    }

    struct StoreHealth: Codable, Sendable {
        var reachable: Bool
        var error: String?
    }
}

/// A live worker process and its health, as it last wrote them with its heartbeat (so workers on
/// other machines show too). Ages are this server's now minus the worker's times.
struct WorkerView: Codable, Sendable {
    var name: String
    var host: String
    var startedAt: Date
    var lastHeartbeat: Date
    var stepsHeld: Int
    /// How many steps it runs at once; nil for a worker older than schema version 5.
    var concurrency: Int?
    var heartbeatAgeSeconds: Double
    /// Its oldest store call that had not returned at its last heartbeat: a call that keeps aging
    /// is a stuck worker (the watchdog lets its steps' leases lapse after a lease).
    var oldestStoreCall: StoreCallView?
    var lastError: LastErrorView?

    struct StoreCallView: Codable, Sendable {
        var call: String
        var startedAt: Date
        var ageSeconds: Double
    }

    struct LastErrorView: Codable, Sendable {
        var message: String
        var at: Date
    }

    init(_ worker: WorkerRecord, now: Date) {
        name = worker.name
        host = worker.host
        startedAt = worker.startedAt
        lastHeartbeat = worker.lastHeartbeat
        stepsHeld = worker.stepsHeld
        concurrency = worker.concurrency
        heartbeatAgeSeconds = max(0, now.timeIntervalSince(worker.lastHeartbeat))
        oldestStoreCall = worker.oldestCall.map {
            StoreCallView(call: $0.call, startedAt: $0.startedAt, ageSeconds: max(0, now.timeIntervalSince($0.startedAt)))
        }
        lastError = worker.lastError.map { LastErrorView(message: $0.message, at: $0.at) }
    }
}
