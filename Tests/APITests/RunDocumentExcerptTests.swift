import Foundation
import Hummingbird
import Testing

/// `GET /api/runs/{id}` names a failure's cause as the run page and the CLI do (issue 17): the run's
/// `error_excerpt` (its failed step's last lines) and each failed attempt's own.
@Suite struct RunDocumentExcerptTests {
    @Test func aFailedRunDocumentCarriesItsExcerpt() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let created = try await client.post("/api/runs", json: #"{"workflow": "failing", "trigger": "ui"}"#)
            let id = try #require(created.json["id"] as? String)
            #expect(try await harness.runToEnd(id).state == .failed)

            let document = try await client.get("/api/runs/\(id)")
            #expect(document.status == 200)
            #expect(document.json["error_excerpt"] as? String == "about to fail")
            let steps = try #require(document.json["steps"] as? [[String: Any]])
            let boom = try #require(steps.first { $0["id"] as? String == "boom" })
            let attempts = try #require(boom["attempts"] as? [[String: Any]])
            #expect(attempts.count == 1)
            #expect(attempts.first?["error_excerpt"] as? String == "about to fail")
            #expect(attempts.first?["error"] as? String == "/bin/sh exited with status 3")

            // A run that succeeded has none, in the run or its attempts.
            let fine = try await client.post("/api/runs", json: #"{"workflow": "hello", "trigger": "ui"}"#)
            let fineID = try #require(fine.json["id"] as? String)
            #expect(try await harness.runToEnd(fineID).state == .succeeded)
            let good = try await client.get("/api/runs/\(fineID)")
            #expect(good.status == 200)
            #expect(good.json["error_excerpt"] == nil)
            #expect(!good.text.contains("error_excerpt"))
        }
    }
}
