import Foundation
import Hummingbird
import Testing

@testable import API

@Suite struct AuthTests {
    @Test func withoutATokenEverythingIsOpen() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            #expect(try await client.get("/api/runs").status == 200)
            #expect(try await client.get("/metrics").status == 200)
            #expect(try await client.get("/api/health").json["auth_required"] as? Bool == false)
        }
    }

    @Test func withATokenOnlyHealthAndDocsAreOpen() async throws {
        let harness = try await APIHarness(token: "s3cret")
        try await harness.test { (client: APIClient) async throws in
            #expect(try await client.get("/api/health").status == 200)
            #expect(try await client.get("/api/openapi.json").status == 200)
            let refused = try await client.get("/api/runs")
            #expect(refused.status == 401)
            #expect(refused.errorCode == "unauthorized")
            #expect(try await client.get("/metrics").status == 401)
            #expect(try await client.post("/api/runs", json: #"{"workflow": "hello"}"#).status == 401)
            #expect(try await client.get("/api/runs", headers: [.authorization: "Bearer wrong"]).status == 401)
            #expect(try await client.get("/api/runs", headers: [.authorization: "Bearer s3cret"]).status == 200)
            let submitted = try await client.post("/api/runs", json: #"{"workflow": "hello"}"#, headers: [.authorization: "Bearer s3cret"])
            #expect(submitted.status == 201)
        }
    }

    @Test func dashboardCookieNeedsCSRFHeaderToChangeThings() async throws {
        let harness = try await APIHarness(token: "s3cret")
        try await harness.test { (client: APIClient) async throws in
            let cookie: HTTPFields = [.cookie: "flowrun_token=s3cret; flowrun_csrf=abc123"]
            #expect(try await client.get("/api/runs", headers: cookie).status == 200)
            let noCSRF = try await client.post("/api/runs", json: #"{"workflow": "hello"}"#, headers: cookie)
            #expect(noCSRF.status == 403)
            #expect(noCSRF.errorCode == "csrf")
            var withCSRF = cookie
            withCSRF[.init("X-CSRF-Token")!] = "abc123"
            #expect(try await client.post("/api/runs", json: #"{"workflow": "hello", "trigger": "ui"}"#, headers: withCSRF).status == 201)
        }
    }
}

@Suite struct LimitAndPathTests {
    @Test func oversizedBodiesGet413() async throws {
        let harness = try await APIHarness(maxBodySize: 1024)
        try await harness.test { (client: APIClient) async throws in
            let big = #"{"workflow": "hello", "params": {"who": "\#(String(repeating: "x", count: 4096))"}}"#
            let response = try await client.post("/api/runs", json: big)
            #expect(response.status == 413)
            #expect(response.errorCode == "payload_too_large")
            let validate = try await client.post("/api/workflows/validate", json: big)
            #expect(validate.status == 413)
        }
    }

    @Test func defaultLimitIsOneMebibyte() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let big = #"{"yaml": "\#(String(repeating: "#", count: 1 << 20))"}"#
            #expect(try await client.post("/api/workflows/validate", json: big).status == 413)
        }
    }

    @Test func unknownRoutesAnswerInTheErrorShape() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let response = try await client.get("/api/nope")
            #expect(response.status == 404)
            #expect(response.errorCode == "not_found")
        }
    }

    @Test func artifactsCannotEscapeTheRunFolder() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let created = try await client.post("/api/runs", json: #"{"workflow": "hello"}"#)
            let id = try #require(created.json["id"] as? String)
            _ = try await harness.runToEnd(id)
            let secret = harness.root.appendingPathComponent("secret.txt")
            try "top secret".write(to: secret, atomically: true, encoding: .utf8)
            let folder = harness.layout.artifactDirectory(run: id, step: "greet")
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("link.txt"), withDestinationURL: secret)
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("up"), withDestinationURL: harness.root)

            #expect(try await client.get("/api/runs/\(id)/artifacts/greet/out/plot.svg").status == 200)
            for path in [
                "greet/../../../../secret.txt", "greet/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.txt", "greet%2F..%2F..%2Fsecret.txt",
                "greet/..%2F..%2F..%2F..%2Fsecret.txt", "greet/link.txt", "greet/up/secret.txt", "..", "greet", "greet/none.txt",
            ] {
                let response = try await client.get("/api/runs/\(id)/artifacts/\(path)")
                #expect([400, 404].contains(response.status), "\(path) → \(response.status)")
                #expect(!response.text.contains("top secret"), "\(path) leaked the file")
            }
            #expect(try await client.get("/api/runs/nope/artifacts/greet/out/plot.svg").status == 404)
            // Log routes take step names from the store only.
            let badStep = try await client.get("/api/runs/\(id)/logs?step=../../secret")
            #expect(badStep.status == 400)
            #expect(badStep.errorField == "step")
        }
    }
}
