import Foundation
import Testing

@testable import API

@Suite struct DatasetEndpointTests {
    @Test func registerListAndGetDatasets() async throws {
        let harness = try await APIHarness()
        let file = try harness.writeDataset()
        try await harness.test { (client: APIClient) async throws in
            let created = try await client.post("/api/datasets", json: #"{"path": "\#(file.path)"}"#)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["size_bytes"] as? Int == 24)
            #expect((created.json["content_hash"] as? String)?.count == 64)
            // The same content again is the same dataset.
            let again = try await client.post("/api/datasets", json: #"{"path": "inbound/exams.csv"}"#)
            #expect(again.status == 200)
            #expect(again.json["id"] as? String == id)

            let list = try await client.get("/api/datasets")
            #expect((list.json["datasets"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])
            let one = try await client.get("/api/datasets/\(id)")
            #expect(one.json["path"] as? String == file.resolvingSymlinksInPath().path)
            let none = try await client.get("/api/datasets/ds-nope")
            #expect(none.status == 404)
            #expect(none.errorCode == "dataset_not_found")
        }
    }

    @Test func refusesPathsOutsideTheRootsAndMissingFiles() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let outside = try await client.post("/api/datasets", json: #"{"path": "/etc/hostname"}"#)
            #expect(outside.status == 400)
            #expect(outside.errorCode == "path_not_allowed")
            #expect(outside.errorField == "path")
            let escape = try await client.post("/api/datasets", json: #"{"path": "../../../../etc/hostname"}"#)
            #expect(escape.status == 400)
            let missing = try await client.post("/api/datasets", json: #"{"path": "inbound/none.csv"}"#)
            #expect(missing.status == 400)
            #expect(missing.errorCode == "file_not_found")
            let noPath = try await client.post("/api/datasets", json: "{}")
            #expect(noPath.errorField == "path")
            #expect(try await client.get("/api/datasets?limit=abc").errorField == "limit")
        }
    }
}

@Suite struct WorkflowEndpointTests {
    @Test func listAndDetail() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let list = try await client.get("/api/workflows")
            let workflows = try #require(list.json["workflows"] as? [[String: Any]])
            #expect(workflows.compactMap { $0["name"] as? String } == ["broken", "failing", "hello", "with-dataset"])
            #expect(workflows.first?["valid"] as? Bool == false)
            #expect(workflows[2]["steps"] as? [String] == ["greet", "done"])

            let hello = try await client.get("/api/workflows/hello")
            #expect(hello.json["yaml"] as? String == APIHarness.hello)
            let params = try #require(hello.json["params"] as? [[String: Any]])
            #expect(params.first?["name"] as? String == "who")
            #expect(params.first?["default"] as? String == "world")
            #expect((hello.json["steps"] as? [[String: Any]])?.last?["uses"] as? String == "noop")

            let broken = try await client.get("/api/workflows/broken")
            let diagnostics = try #require(broken.json["diagnostics"] as? [[String: Any]])
            #expect(diagnostics.first?["line"] as? Int == 4)
            #expect((diagnostics.first?["text"] as? String)?.hasPrefix("broken.yaml:4:") == true)

            let missing = try await client.get("/api/workflows/nope")
            #expect(missing.status == 404)
            #expect(missing.errorCode == "workflow_not_found")
            // Never a path out of the workflows folder.
            #expect(try await client.get("/api/workflows/..%2Fdata").status == 404)
        }
    }

    @Test func validateJSONAndRawYAML() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let good = try await client.post(
                "/api/workflows/validate", json: #"{"yaml": "name: ok\nversion: 1\nsteps:\n  a: { uses: noop }\n"}"#)
            #expect(good.json["valid"] as? Bool == true)
            #expect(good.json["name"] as? String == "ok")
            let bad = try await client.call(
                .post, "/api/workflows/validate", body: Data("name: x\nversion: 1\nsteps:\n  a: { uses: nop }\n".utf8),
                headers: [.contentType: "application/yaml"])
            #expect(bad.status == 200)
            #expect(bad.json["valid"] as? Bool == false)
            let diagnostic = try #require((bad.json["diagnostics"] as? [[String: Any]])?.first)
            #expect(diagnostic["file"] as? String == "workflow.yaml")
            #expect(diagnostic["line"] as? Int == 4)
            #expect((diagnostic["message"] as? String)?.contains("noop") == true)
            let noYAML = try await client.post("/api/workflows/validate", json: #"{"file": "a.yaml"}"#)
            #expect(noYAML.errorField == "yaml")
        }
    }
}
