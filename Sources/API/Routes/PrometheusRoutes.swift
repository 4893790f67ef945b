import Engine
import Foundation
import Hummingbird

/// `GET /metrics`: the Prometheus text format (0.0.4) of ``ServerMetrics`` — runs by state, queue
/// depth, live workers and each one's health, runs finished, step durations and retries, HTTP
/// requests — written by swift-prometheus.
struct PrometheusRoutes {
    let services: APIServices
    let snapshots: StoreSnapshots
    let follower: RunMetricsFollower
    let metrics: ServerMetrics

    func register(on router: some RouterMethods<APIRequestContext>) {
        router.get("/metrics") { _, _ -> Response in
            let snapshot = await snapshots.current()
            // A store that cannot be read leaves the counters where they were.
            try? await follower.update()
            let text = metrics.exposition(snapshot, now: services.engine.clock.now())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
