import Engine
import Foundation
import Hummingbird
import Store

/// `GET /metrics`: runs by state, queue depth, live workers, step durations, retries.
struct PrometheusRoutes {
    let services: APIServices
    let snapshots: StoreSnapshots
    let follower: RunMetricsFollower

    func register(on router: some RouterMethods<APIRequestContext>) {
        router.get("/metrics") { _, _ -> Response in
            let snapshot = await snapshots.current()
            var out = PrometheusText()
            out.family("flowrun_up", type: "gauge", help: "1 when the store could be read.")
            out.sample("flowrun_up", [], snapshot.error == nil ? 1 : 0)
            out.family("flowrun_runs", type: "gauge", help: "Runs in the store by state.")
            for state in RunState.allCases { out.sample("flowrun_runs", [("state", state.rawValue)], Double(snapshot.runCounts[state] ?? 0)) }
            out.family("flowrun_queue_depth", type: "gauge", help: "Steps ready to run, waiting for a worker.")
            out.sample("flowrun_queue_depth", [], Double(snapshot.queueDepth))
            out.family("flowrun_workers_alive", type: "gauge", help: "Workers with a heartbeat in the last 60 seconds.")
            out.sample("flowrun_workers_alive", [], Double(snapshot.workers.count))

            // A store that cannot be read leaves the counters where they were.
            try? await follower.update()
            do {
                let finished = await follower.finished
                out.family("flowrun_runs_finished_total", type: "counter", help: "Runs seen finishing since this server started, by final state.")
                for state in [RunState.succeeded, .failed, .canceled] {
                    out.sample("flowrun_runs_finished_total", [("state", state.rawValue)], Double(finished[state.rawValue] ?? 0))
                }
                out.family("flowrun_step_retries_total", type: "counter", help: "Step attempts after the first (retries and lease take-backs) in runs finished since start.")
                out.sample("flowrun_step_retries_total", [], Double(await follower.retries))
                out.family("flowrun_step_lease_expired_total", type: "counter", help: "Attempts whose worker died (lease expired) in runs finished since start.")
                out.sample("flowrun_step_lease_expired_total", [], Double(await follower.leaseExpirations))
                out.family("flowrun_step_duration_seconds", type: "histogram", help: "Step attempt durations in runs finished since start, by outcome.")
                for (outcome, histogram) in await follower.durations.sorted(by: { $0.key < $1.key }) {
                    for (index, bound) in RunMetricsFollower.buckets.enumerated() {
                        out.sample("flowrun_step_duration_seconds_bucket", [("outcome", outcome), ("le", PrometheusText.format(bound))], Double(histogram.counts[index]))
                    }
                    out.sample("flowrun_step_duration_seconds_bucket", [("outcome", outcome), ("le", "+Inf")], Double(histogram.count))
                    out.sample("flowrun_step_duration_seconds_sum", [("outcome", outcome)], histogram.sum)
                    out.sample("flowrun_step_duration_seconds_count", [("outcome", outcome)], Double(histogram.count))
                }
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: out.text)))
        }
    }
}
