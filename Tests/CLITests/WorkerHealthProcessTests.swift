import Foundation
import Testing

/// A worker in another process shows in `flowrun serve`'s `/api/health` and `/metrics` with its
/// health — read from the row its heartbeat writes, as a worker on another machine would be.
@Suite struct WorkerHealthProcessTests {
    @Test func aWorkerInAnotherProcessShowsWithItsSlotsInHealthAndMetrics() throws {
        let cli = try CLI()
        try cli.write("workflows/hello.yaml", ServeSecurityTests.hello)
        let token = "a-token-for-this-test"
        let server = try ServeSecurityTests.Server(cli, [], environment: ["FLOWRUN_API_TOKEN": token])
        let (worker, out, err) = try cli.start(["worker", "--concurrency", "3", "--name", "elsewhere:4242"])
        _ = ReadAll(out)
        _ = ReadAll(err)
        defer {
            kill(worker.processIdentifier, SIGTERM)
            worker.waitUntilExit()
        }
        let http = RawHTTP(port: server.port)
        let auth = ["Authorization": "Bearer \(token)"]

        var health: [String: Any] = [:]
        var listed: [String: Any]?
        let deadline = Date().addingTimeInterval(30)
        while listed == nil, Date() < deadline {
            let reply = try http.send("GET", "/api/health", headers: auth)
            health = (try? JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]) ?? [:]
            listed = (health["workers"] as? [[String: Any]])?.first { $0["name"] as? String == "elsewhere:4242" }
            if listed == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        let entry = try #require(listed, "the worker never showed: \(health)")
        #expect(entry["concurrency"] as? Int == 3)
        #expect(entry["steps_held"] as? Int == 0)
        #expect((entry["heartbeat_age_seconds"] as? Double).map { $0 >= 0 && $0 < 60 } == true)
        #expect(entry["oldest_store_call"] == nil && entry["last_error"] == nil, "an idle, healthy worker: \(entry)")

        let metrics = try http.send("GET", "/metrics", headers: auth).body
        #expect(metrics.contains(#"flowrun_worker_slots{worker="elsewhere:4242"} 3.0"#), "\(metrics)")
        #expect(metrics.contains(#"flowrun_worker_oldest_store_call_age_seconds{worker="elsewhere:4242"} 0.0"#))
    }
}
