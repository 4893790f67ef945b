import Engine
import Foundation
import Store
import Testing

@testable import API

/// Step caching as the API and the run page show it: the cached state, the link to the source
/// attempt, "why did it run", and `"cache": false` in the submit body.
@Suite struct CacheEndpointTests {
    static let workflow = """
        name: cached
        version: 1
        params:
          n: { type: number, default: 1 }
        steps:
          make:
            run: echo "${{ params.n }}" > n.txt; echo "::output file=$FLOWRUN_ARTIFACTS/n.txt"
            cache: true
        """

    func submit(_ client: APIClient, _ json: String) async throws -> String {
        let response = try await client.post("/api/runs", json: json)
        #expect(response.status == 201, "\(response.text)")
        return try #require(response.json["id"] as? String)
    }

    func make(_ client: APIClient, _ id: String) async throws -> (step: [String: Any], attempt: [String: Any]) {
        let detail = try await client.get("/api/runs/\(id)")
        #expect(detail.json["state"] as? String == "succeeded")
        let step = try #require((detail.json["steps"] as? [[String: Any]])?.first)
        let attempt = try #require((step["attempts"] as? [[String: Any]])?.last)
        return (step, attempt)
    }

    @Test func cachedStepsLinkTheirSourceAndRunsSayWhyTheyRan() async throws {
        let harness = try await APIHarness()
        try Self.workflow.write(to: harness.root.appendingPathComponent("workflows/cached.yaml"), atomically: true, encoding: .utf8)
        try await harness.test { (client: APIClient) async throws in
            let first = try await submit(client, #"{"workflow": "cached"}"#)
            _ = try await harness.runToEnd(first)
            let second = try await submit(client, #"{"workflow": "cached"}"#)
            _ = try await harness.runToEnd(second)
            let reused = try await make(client, second)
            #expect(reused.step["state"] as? String == "cached")
            #expect(reused.attempt["outcome"] as? String == "cached")
            let from = try #require(reused.attempt["cached_from"] as? [String: Any])
            #expect(from["run_id"] as? String == first && from["step_id"] as? String == "make" && from["attempt"] as? Int == 1)
            #expect((reused.attempt["cache_key"] as? String)?.count == 64)

            // The run page shows the source, linked.
            let page = try await client.get("/runs/\(second)")
            #expect(page.text.contains("<a href=\"/runs/\(first)\">cached from run \(first) (make attempt 1)</a>"), "\(page.text)")

            let changed = try await submit(client, #"{"workflow": "cached", "params": {"n": 2}}"#)
            _ = try await harness.runToEnd(changed)
            let ran = try await make(client, changed)
            #expect(ran.step["state"] as? String == "succeeded")
            let note = try #require(ran.attempt["cache_note"] as? String)
            #expect(note.contains("param n 1 → 2"), "\(note)")
            #expect(try await client.get("/runs/\(changed)").text.contains("param n 1 → 2"))

            let forced = try await submit(client, #"{"workflow": "cached", "cache": false}"#)
            _ = try await harness.runToEnd(forced)
            let computed = try await make(client, forced)
            #expect(computed.step["state"] as? String == "succeeded")
            #expect(computed.attempt["cache_note"] as? String == "caching is off for this run (--no-cache)")
        }
    }
}
