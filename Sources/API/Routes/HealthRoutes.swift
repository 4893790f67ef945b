import Engine
import Foundation
import Hummingbird

/// `GET /api/health`: store reachable, version, live workers, queue depth.
struct HealthRoutes {
    let services: APIServices
    let snapshots: StoreSnapshots

    func register(on router: Router<APIRequestContext>) {
        router.get("/api/health") { _, _ -> Response in
            let snapshot = await snapshots.current()
            let now = services.engine.clock.now()
            let view = HealthView(
                status: snapshot.error == nil ? "ok" : "degraded", version: FlowrunVersion.current,
                uptimeSeconds: now.timeIntervalSince(services.startedAt),
                store: .init(reachable: snapshot.error == nil, error: snapshot.error),
                workers: snapshot.workers.map {
                    WorkerView(name: $0.name, host: $0.host, startedAt: $0.startedAt, lastHeartbeat: $0.lastHeartbeat, stepsHeld: $0.stepsHeld)
                },
                queueDepth: snapshot.queueDepth,
                runs: Dictionary(uniqueKeysWithValues: snapshot.runCounts.map { ($0.key.rawValue, $0.value) }),
                authRequired: services.apiToken != nil, checkedAt: snapshot.takenAt)
            return try APIJSON.response(view, status: snapshot.error == nil ? .ok : .serviceUnavailable)
        }
    }
}
