import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

/// "Why is it waiting?" where users look: the API's step document, the run page, and queue depth per
/// pool in /metrics (the reasons themselves: EngineTests/WaitingReasonTests).
@Suite struct WaitingReasonEndpointTests {
    @Test func aReadyStepSaysWhyInTheAPIThePageAndMetrics() async throws {
        let harness = try await APIHarness()
        try await harness.engine.setPool(name: "gpu", slots: 1)
        try """
        name: pooled
        version: 1
        steps:
          a: { uses: noop, pool: gpu }
          b: { uses: noop, pool: gpu }
        """.write(to: harness.root.appendingPathComponent("workflows/pooled.yaml"), atomically: true, encoding: .utf8)
        try await harness.test { (client: APIClient) async throws in
            let submitted = try await client.call(.post, "/api/runs", json: #"{"workflow": "pooled"}"#)
            let id = try #require(submitted.json["id"] as? String)
            // No worker has ever sent a heartbeat here.
            let document = try await client.get("/api/runs/\(id)")
            let steps = try #require(document.json["steps"] as? [[String: Any]])
            #expect(
                steps.map { $0["waiting_reason"] as? String } == [
                    "no live worker (start one: flowrun worker, or flowrun serve)",
                    "no live worker (start one: flowrun worker, or flowrun serve)",
                ])
            // A live worker takes the pool's one place: b waits for it, and says who holds it.
            let now = harness.engine.clock.now()
            try await harness.store.heartbeatWorker(
                WorkerRecord(name: "w1", host: "h", startedAt: now, lastHeartbeat: now, stepsHeld: 0, concurrency: 4))
            #expect(
                try await harness.store.claimReadySteps(worker: "w1", runID: id, limit: 4, now: now, leaseUntil: now + 30).map(\.stepID)
                    == ["a"])
            let reason = "waiting for pool gpu (1/1 in use by run \(id) step a)"
            let after = try #require(try await client.get("/api/runs/\(id)").json["steps"] as? [[String: Any]])
            #expect(after.map { $0["waiting_reason"] as? String } == [nil, reason])
            let page = try await client.get("/runs/\(id)")
            #expect(page.text.contains("<div class=\"muted waiting-reason\">\(reason)</div>"))
            let metrics = try await client.get("/metrics").text
            for line in [
                "flowrun_pool_queue_depth{pool=\"gpu\"} 1", "flowrun_pool_in_use{pool=\"gpu\"} 1", "flowrun_pool_limit{pool=\"gpu\"} 1",
            ] {
                #expect(metrics.contains(line), "no \(line)")
            }
        }
    }

    @Test func theSubmitBodyTakesAPriority() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let high = try await client.call(.post, "/api/runs", json: #"{"workflow": "hello", "priority": 7}"#)
            let id = try #require(high.json["id"] as? String)
            #expect(try await harness.store.run(id: id)?.priority == 7)
            let plain = try #require(try await client.call(.post, "/api/runs", json: #"{"workflow": "hello"}"#).json["id"] as? String)
            #expect(try await harness.store.run(id: plain)?.priority == 0)
            let wrong = try await client.call(.post, "/api/runs", json: #"{"workflow": "hello", "priority": 500}"#)
            #expect(wrong.status == 400)
            #expect(wrong.text.contains("'priority' must be from -100 to 100, not 500"))
        }
    }
}
