import Foundation
import Store
import TestSupport
import Testing

@testable import API

/// `/api/health` shows each worker's health as the worker wrote it with its heartbeat (the
/// worker's side is `WorkerHealthTests` in EngineTests, on SQLite and PostgreSQL).
@Suite struct APIWorkerHealthTests {
    @Test func healthShowsEachWorkersSlotsOldestStoreCallAndLastError() async throws {
        // The server's now is a manual clock's: under a loaded whole-suite run, a minute passed
        // between writing these heartbeats and the request, and the workers were no longer live.
        let clock = ManualClock()
        let harness = try await APIHarness(token: "s3cret", clock: clock)
        let now = clock.now()
        try await harness.store.heartbeatWorker(
            WorkerRecord(
                name: "node-7:4242", host: "node-7", startedAt: now.addingTimeInterval(-600), lastHeartbeat: now.addingTimeInterval(-4),
                stepsHeld: 3, concurrency: 8,
                oldestCall: WorkerStoreCall(call: "complete steps", startedAt: now.addingTimeInterval(-42)),
                lastError: WorkerStoreError(message: "the database is starting up", at: now.addingTimeInterval(-30))))
        try await harness.store.heartbeatWorker(
            WorkerRecord(name: "node-8:1", host: "node-8", startedAt: now, lastHeartbeat: now, stepsHeld: 0, concurrency: 2))
        try await harness.test { (client: APIClient) async throws in
            let health = try await client.get("/api/health", headers: [.authorization: "Bearer s3cret"])
            let workers = try #require(health.json["workers"] as? [[String: Any]])
            #expect(workers.compactMap { $0["name"] as? String } == ["node-7:4242", "node-8:1"])
            let stuck = workers[0]
            #expect(stuck["steps_held"] as? Int == 3 && stuck["concurrency"] as? Int == 8)
            let heartbeatAge = try #require(stuck["heartbeat_age_seconds"] as? Double)
            #expect(heartbeatAge == 4)
            let call = try #require(stuck["oldest_store_call"] as? [String: Any])
            #expect(call["call"] as? String == "complete steps")
            let age = try #require(call["age_seconds"] as? Double)
            #expect(age == 42)
            let error = try #require(stuck["last_error"] as? [String: Any])
            #expect(error["message"] as? String == "the database is starting up")
            #expect(error["at"] as? String != nil)
            // A healthy worker has no call in flight and no error: the keys are absent.
            #expect(workers[1]["oldest_store_call"] == nil && workers[1]["last_error"] == nil)

            let anonymous = try await client.get("/api/health")
            #expect(anonymous.json["workers"] == nil && !anonymous.text.contains("database is starting"))
        }
    }

    @Test func theOverviewsWorkersPanelShowsAStuckWorkerAndItsError() async throws {
        let clock = ManualClock()
        let harness = try await APIHarness(clock: clock)
        let now = clock.now()
        try await harness.store.heartbeatWorker(
            WorkerRecord(
                name: "node-7:4242", host: "node-7", startedAt: now.addingTimeInterval(-600), lastHeartbeat: now.addingTimeInterval(-2),
                stepsHeld: 3, concurrency: 8,
                oldestCall: WorkerStoreCall(call: "complete steps", startedAt: now.addingTimeInterval(-95)),
                lastError: WorkerStoreError(message: "claim steps: <b>no such table</b>", at: now.addingTimeInterval(-30))))
        try await harness.store.heartbeatWorker(
            WorkerRecord(name: "node-8:1", host: "node-8", startedAt: now, lastHeartbeat: now, stepsHeld: 0, concurrency: 2))
        try await harness.test { (client: APIClient) async throws in
            let page = try await client.get("/")
            #expect(page.status == 200)
            let html = page.text
            let stuck = try #require(html.range(of: #"<tr data-worker="node-7:4242" data-stuck="true">"#), "no stuck row in\n\(html)")
            let row = String(html[stuck.lowerBound...].prefix { $0 != "\n" })
            #expect(row.contains(">3 / 8<"))
            // 95 s before the server's (manual) now.
            let age = try #require(row.firstMatch(of: /complete steps, (\d+) m (\d+) s/), "\(row)")
            #expect(Int(age.1)! * 60 + Int(age.2)! == 95, "\(row)")
            // The error text is the worker's, escaped.
            #expect(row.contains("claim steps: &lt;b&gt;no such table&lt;/b&gt;") && !row.contains("<b>"))
            #expect(html.contains(#"<tr data-worker="node-8:1"><td class="mono" title="node-8">node-8:1</td><td class="num">0 / 2</td>"#))
        }
    }
}
