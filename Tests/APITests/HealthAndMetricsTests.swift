import Foundation
import Store
import Testing

@testable import API

@Suite struct HealthAndMetricsTests {
    @Test func healthReportsStoreWorkersAndQueue() async throws {
        let harness = try await APIHarness()
        try await harness.store.heartbeatWorker(
            WorkerRecord(name: "host:1", host: "host", startedAt: Date(), lastHeartbeat: Date(), stepsHeld: 2))
        try await harness.store.heartbeatWorker(
            WorkerRecord(
                name: "old:2", host: "old", startedAt: Date(timeIntervalSinceNow: -600),
                lastHeartbeat: Date(timeIntervalSinceNow: -300), stepsHeld: 0))
        try await harness.test { (client: APIClient) async throws in
            _ = try await client.post("/api/runs", json: #"{"workflow": "hello"}"#)
            let health = try await client.get("/api/health")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok")
            #expect(health.json["version"] as? String == "0.1.0")
            #expect((health.json["store"] as? [String: Any])?["reachable"] as? Bool == true)
            #expect((health.json["workers"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["host:1"])
            #expect(health.json["queue_depth"] as? Int == 1)
            #expect((health.json["runs"] as? [String: Any])?["queued"] as? Int == 1)
        }
    }

    /// Every ready step counts, however many runs wait (it counted the steps of 500 runs per state).
    @Test func theQueueDepthCountsEveryReadyStep() async throws {
        let harness = try await APIHarness()
        let created = Date(timeIntervalSince1970: 1_780_000_000)
        for index in 0..<600 {
            let run = RunRecord(
                id: String(format: "%08d-queue-%08x", index, index), workflowName: "hello", workflowYAML: "name: hello\n",
                workflowHash: "0", paramsJSON: "{}", inputsJSON: "{}", datasetID: nil, trigger: .api, state: .queued,
                createdAt: created.addingTimeInterval(Double(index)))
            try await harness.store.createRun(run, steps: [NewStepRun(stepID: "only", position: 0, needs: [], maxAttempts: 1)])
        }
        try await harness.test { (client: APIClient) async throws in
            #expect(try await client.get("/api/health").json["queue_depth"] as? Int == 600)
        }
    }

    @Test func anonymousHealthSaysOnlyWhetherTheServerIsUp() async throws {
        let harness = try await APIHarness(token: "s3cret")
        try await harness.store.heartbeatWorker(
            WorkerRecord(name: "host:1", host: "secret-host", startedAt: Date(), lastHeartbeat: Date(), stepsHeld: 2))
        try await harness.test { (client: APIClient) async throws in
            let anonymous = try await client.get("/api/health")
            #expect(anonymous.status == 200)
            #expect(anonymous.json["status"] as? String == "ok")
            #expect(anonymous.json["workers"] == nil && anonymous.json["queue_depth"] == nil && anonymous.json["runs"] == nil)
            #expect(!anonymous.text.contains("secret-host"))
            let authorised = try await client.get("/api/health", headers: [.authorization: "Bearer s3cret"])
            #expect((authorised.json["workers"] as? [[String: Any]])?.first?["host"] as? String == "secret-host")
            #expect(authorised.json["queue_depth"] as? Int == 0)
        }
    }

    @Test func healthIs503WhenTheStoreIsGone() async throws {
        let harness = try await APIHarness()
        try await harness.store.close()
        try await harness.test { (client: APIClient) async throws in
            let health = try await client.get("/api/health")
            #expect(health.status == 503)
            #expect(health.json["status"] as? String == "degraded")
            let runs = try await client.get("/api/runs")
            #expect(runs.status >= 400 && runs.status < 600)
            #expect(runs.errorCode != nil)
        }
    }

    @Test func prometheusCountsRunsStepsAndRetries() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let first = try await client.get("/metrics")
            #expect(first.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let ok = try #require(try await client.post("/api/runs", json: #"{"workflow": "hello"}"#).json["id"] as? String)
            let bad = try #require(try await client.post("/api/runs", json: #"{"workflow": "failing"}"#).json["id"] as? String)
            _ = try await harness.runToEnd(ok)
            _ = try await harness.runToEnd(bad)
            let text = try await client.get("/metrics").text
            // Gauges are written by swift-prometheus as Doubles (`1.0`): read them by value.
            let metrics = try PrometheusExposition(text)
            #expect(metrics["flowrun_runs{state=\"succeeded\"}"] == 1)
            #expect(metrics["flowrun_runs{state=\"failed\"}"] == 1)
            #expect(text.contains("flowrun_runs_finished_total{state=\"succeeded\"} 1\n"))
            #expect(text.contains("flowrun_runs_finished_total{state=\"failed\"} 1\n"))
            #expect(text.contains("flowrun_step_duration_seconds_count{outcome=\"succeeded\"} 2\n"))
            #expect(text.contains("flowrun_step_duration_seconds_bucket{outcome=\"failed\",le=\"+Inf\"} 1\n"))
            #expect(metrics["flowrun_queue_depth"] == 0)
            #expect(text.contains("# TYPE flowrun_step_duration_seconds histogram"))
        }
    }
}
