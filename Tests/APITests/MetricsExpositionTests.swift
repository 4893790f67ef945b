import Foundation
import Store
import Testing

@testable import API

/// `/metrics` is written by swift-prometheus: it must parse strictly (``PrometheusExposition``),
/// carry each live worker's health, and count HTTP requests by route pattern and status.
@Suite struct MetricsExpositionTests {
    @Test func theExpositionParsesStrictlyWithWorkersRequestsAndRuns() async throws {
        let harness = try await APIHarness()
        let now = Date()
        try await harness.store.heartbeatWorker(
            WorkerRecord(
                name: "node-7:4242", host: "node-7", startedAt: now.addingTimeInterval(-600), lastHeartbeat: now.addingTimeInterval(-3),
                stepsHeld: 3, concurrency: 8,
                oldestCall: WorkerStoreCall(call: "complete steps", startedAt: now.addingTimeInterval(-95)),
                lastError: WorkerStoreError(message: "claim steps: gone", at: Date(timeIntervalSince1970: 1_800_000_000))))
        // A name that needs escaping in a label value: quotes, a backslash, a newline.
        let hostile = "evil\"host\\\n}:1"
        try await harness.store.heartbeatWorker(WorkerRecord(name: hostile, host: "evil", startedAt: now, lastHeartbeat: now, stepsHeld: 0))
        try await harness.test { (client: APIClient) async throws in
            let id = try #require(try await client.post("/api/runs", json: #"{"workflow": "hello"}"#).json["id"] as? String)
            _ = try await client.get("/api/runs")
            _ = try await client.get("/api/runs")
            _ = try await client.get("/api/runs/\(id)")
            _ = try await client.get("/api/runs/no-such-run")
            _ = try await client.get("/api/no-such-thing")

            let response = try await client.get("/metrics")
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let metrics = try PrometheusExposition(response.text)

            #expect(metrics["flowrun_up"] == 1)
            #expect(metrics["flowrun_queue_depth"] == 1)
            #expect(metrics["flowrun_workers_alive"] == 2)
            #expect(metrics[#"flowrun_runs{state="queued"}"#] == 1)
            #expect(metrics.types["flowrun_runs_finished_total"] == "counter")

            let worker = #"{worker="node-7:4242"}"#
            #expect(metrics["flowrun_worker_steps_held" + worker] == 3)
            #expect(metrics["flowrun_worker_slots" + worker] == 8)
            let heartbeatAge = try #require(metrics["flowrun_worker_heartbeat_age_seconds" + worker])
            #expect(heartbeatAge >= 3 && heartbeatAge < 60)
            let callAge = try #require(metrics["flowrun_worker_oldest_store_call_age_seconds" + worker])
            #expect(callAge >= 95 && callAge < 160)
            #expect(metrics["flowrun_worker_last_store_error_timestamp_seconds" + worker] == 1_800_000_000)
            #expect(metrics[#"flowrun_worker_oldest_store_call_age_seconds{worker="evil\"host\\\n}:1"}"#] == 0)
            #expect(metrics[#"flowrun_worker_slots{worker="evil\"host\\\n}:1"}"#] == nil)  // its row has no concurrency

            // Requests by the route the router matched, never the raw path.
            #expect(metrics[#"flowrun_http_requests_total{route="/api/runs",method="GET",status="200"}"#] == 2)
            #expect(metrics[#"flowrun_http_requests_total{route="/api/runs",method="POST",status="201"}"#] == 1)
            #expect(metrics[#"flowrun_http_requests_total{route="/api/runs/{id}",method="GET",status="200"}"#] == 1)
            #expect(metrics[#"flowrun_http_requests_total{route="/api/runs/{id}",method="GET",status="404"}"#] == 1)
            #expect(metrics[#"flowrun_http_requests_total{route="NotFound",method="GET",status="404"}"#] == 1)
            #expect(!response.text.contains("no-such"))
            #expect(metrics.types["flowrun_http_request_duration_seconds"] == "histogram")
            #expect(metrics[#"flowrun_http_request_duration_seconds_count{route="/api/runs",method="GET",status="200"}"#] == 2)
            #expect(metrics[#"flowrun_http_request_duration_seconds_bucket{route="/api/runs",method="GET",status="200",le="+Inf"}"#] == 2)
        }
    }

    @Test func aWorkerNoLongerLiveLosesItsSeries() async throws {
        let harness = try await APIHarness()
        try await harness.store.heartbeatWorker(
            WorkerRecord(name: "w:1", host: "w", startedAt: Date(), lastHeartbeat: Date(), stepsHeld: 1, concurrency: 2))
        try await harness.test { (client: APIClient) async throws in
            let before = try PrometheusExposition(try await client.get("/metrics").text)
            #expect(before[#"flowrun_worker_steps_held{worker="w:1"}"#] == 1)
            try await harness.store.removeWorker(name: "w:1")
            let after = try PrometheusExposition(try await client.get("/metrics").text)
            #expect(after.samples.keys.filter { $0.contains("w:1") }.isEmpty, "\(after.samples.keys.sorted())")
            #expect(after["flowrun_workers_alive"] == 0)
        }
    }

    @Test(arguments: [
        "flowrun_up 1\nflowrun_up 1\n",  // no TYPE
        "# TYPE a gauge\na 1\na 2\n",  // a duplicate series
        "# TYPE a gauge\na{x=\"1\" } 1\n",  // a space inside the labels
        "# TYPE a gauge\na{x=1} 1\n",  // an unquoted label value
        "# TYPE a gauge\na 1 2 3\n",  // not one value
        "# TYPE a gauge\n# TYPE a gauge\na 1\n",  // TYPE twice
        "# TYPE a histogram\na 1\n",  // a histogram's bare sample
        "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n",  // a family split in two
        "# TYPE a gauge\na 1",  // no final newline
        "# comment\n",  // a free comment
    ])
    func theStrictReaderRefusesWhatPrometheusWouldNotTake(text: String) {
        #expect(throws: PrometheusExposition.Problem.self) { try PrometheusExposition(text) }
    }
}
