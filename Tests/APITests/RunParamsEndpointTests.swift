import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /api/runs/{id}/params`, the endpoint added the contract's way (openapi.yaml, one generated
/// method in ContractRoutes, this test): what a run was started with, defaults filled in.
@Suite struct RunParamsEndpointTests {
    @Test func paramsAsResolvedAtSubmission() async throws {
        let harness = try await APIHarness(token: "secret")
        try await harness.test { (client: APIClient) async throws in
            let auth: HTTPFields = [.authorization: "Bearer secret"]
            let given = try await client.call(.post, "/api/runs", json: #"{"workflow": "hello", "params": {"who": "api"}}"#, headers: auth)
            let defaulted = try await client.call(.post, "/api/runs", json: #"{"workflow": "hello"}"#, headers: auth)
            let first = try #require(given.json["id"] as? String)
            let second = try #require(defaulted.json["id"] as? String)

            let answer = try await client.get("/api/runs/\(first)/params", headers: auth)
            #expect(answer.status == 200)
            #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
            #expect(answer.text == #"{"params":{"who":"api"},"run_id":"\#(first)","workflow":"hello"}"#)
            // The default is in the run, so running it again gives the same params even if the file's default changes.
            let filled = try await client.get("/api/runs/\(second)/params", headers: auth)
            #expect((filled.json["params"] as? [String: Any])?["who"] as? String == "world")

            // JSON whatever the client accepts, as every API answer was before the generated server.
            var html = auth
            html[.accept] = "text/html"
            let asHTML = try await client.get("/api/runs/\(first)/params", headers: html)
            #expect(asHTML.status == 200)
            #expect(asHTML.text == answer.text)
            #expect(try await client.get("/api/runs/\(first)", headers: html).status == 200)

            let missing = try await client.get("/api/runs/nope/params", headers: auth)
            #expect(missing.status == 404)
            #expect(missing.errorCode == "run_not_found")
            #expect(try await client.get("/api/runs/\(first)/params").status == 401)
        }
    }
}
