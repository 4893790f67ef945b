import Foundation

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
    /// Whether the API requires a bearer token.
    var authRequired: Bool
    /// When the store was looked at (health reuses one look for up to a second).
    var checkedAt: Date

    struct StoreHealth: Codable, Sendable {
        var reachable: Bool
        var error: String?
    }
}

/// A live worker process.
struct WorkerView: Codable, Sendable {
    var name: String
    var host: String
    var startedAt: Date
    var lastHeartbeat: Date
    var stepsHeld: Int
}
