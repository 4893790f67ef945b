import Engine
import Foundation
import Hummingbird

/// `GET /api/health`: store reachable, version, live workers and their health, queue depth.
struct HealthRoutes {
    let services: APIServices
    let snapshots: StoreSnapshots

    func register(on router: Router<APIRequestContext>) {
        // On the allow-list (a load balancer has no token), so it tells an anonymous caller only
        // whether the server is up; workers, queue and run counts need the credential.
        router.get("/api/health") { request, _ -> Response in
            let snapshot = await snapshots.current()
            let now = services.engine.clock.now()
            let detailed = services.apiToken.map { [.bearer, .cookie].contains(AuthMiddleware.credential(of: request, token: $0)) } ?? true
            let view = HealthView(
                status: snapshot.error == nil ? "ok" : "degraded", version: FlowrunVersion.current,
                uptimeSeconds: now.timeIntervalSince(services.startedAt),
                store: .init(reachable: snapshot.error == nil, error: detailed ? snapshot.error : nil),
                workers: !detailed ? nil : snapshot.workers.map { WorkerView($0, now: now) },
                queueDepth: detailed ? snapshot.queueDepth : nil,
                runs: detailed ? Dictionary(uniqueKeysWithValues: snapshot.runCounts.map { ($0.key.rawValue, $0.value) }) : nil,
                cache: detailed ? snapshot.cache.map { .init(entries: $0.entries, bytes: $0.bytes) } : nil,
                authRequired: services.apiToken != nil, checkedAt: snapshot.takenAt)
            return try APIJSON.response(view, status: snapshot.error == nil ? .ok : .serviceUnavailable)
        }
    }
}
