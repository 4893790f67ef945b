import Engine
import Foundation
import Hummingbird
import Testing
import Yams

@testable import API

/// The router and the OpenAPI document cannot drift: every route is documented and every
/// documented operation is routed.
@Suite struct RouteSpecTests {
    @Test func everyRouteIsInTheDocumentAndBack() async throws {
        let harness = try await APIHarness()
        let routed = Set(
            harness.makeRouter().routes.map { route in
                let path = route.path.description.replacingOccurrences(of: "**", with: "{path}")
                return "\(route.method.rawValue) \(path.hasPrefix("/") ? path : "/" + path)"
            })
        var documented: Set<String> = []
        for (path, item) in OpenAPIChecker.shared.paths {
            for method in item.keys where ["get", "post", "put", "delete", "patch"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(!routed.isEmpty)
        #expect(routed.subtracting(documented).isEmpty, "routes missing from openapi.json: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
    }

    @Test func documentIsOpenAPI31WithSchemasForEveryReference() throws {
        let document = OpenAPIChecker.shared.document
        #expect(document["openapi"] as? String == "3.1.0")
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        let responses = (document["components"] as? [String: Any])?["responses"] as? [String: Any] ?? [:]
        // Every $ref points at a schema or a shared response that exists.
        let json = String(decoding: OpenAPIContract.bundled.json, as: UTF8.self)
        let refs = json.components(separatedBy: ##""$ref":"#/components/"##).dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(refs.count > 60)
        for ref in Set(refs) {
            let parts = ref.split(separator: "/").map(String.init)
            let found =
                parts.count == 2 && (parts[0] == "schemas" ? schemas[parts[1]] : parts[0] == "responses" ? responses[parts[1]] : nil) != nil
            #expect(found, "missing #/components/\(ref)")
        }
        // Every operation has an id, a summary and a 2xx response.
        for (path, item) in OpenAPIChecker.shared.paths {
            for (method, raw) in item {
                let operation = raw as? [String: Any] ?? [:]
                #expect(operation["operationId"] is String, "\(method) \(path) has no operationId")
                #expect(operation["summary"] is String, "\(method) \(path) has no summary")
                let codes = (operation["responses"] as? [String: Any] ?? [:]).keys
                #expect(codes.contains { $0.hasPrefix("2") }, "\(method) \(path) documents no success")
            }
        }
    }

    /// One error shape, written once: every 4xx/5xx JSON answer but the health check's 503 (its body is
    /// the health document) is a shared `components/responses` entry.
    @Test func errorsAreSharedResponses() throws {
        for (path, item) in OpenAPIChecker.shared.paths {
            for (method, raw) in item {
                let responses = (raw as? [String: Any])?["responses"] as? [String: Any] ?? [:]
                for (code, response) in responses where code.hasPrefix("4") || code.hasPrefix("5") {
                    if path == "/api/health" && code == "503" { continue }
                    let ref = (response as? [String: Any])?["$ref"] as? String
                    #expect(ref?.hasPrefix("#/components/responses/") == true, "\(method) \(path) \(code) is written out, not shared")
                }
            }
        }
    }

    @Test func versionIsTheProgramsAndBothFormsAreOneDocument() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let json = try await client.get("/api/openapi.json")
            #expect((json.json["info"] as? [String: Any])?["version"] as? String == FlowrunVersion.current)
            let yaml = try await client.get("/api/openapi.yaml")
            #expect(yaml.status == 200)
            #expect(yaml.headers[.contentType] == "application/yaml; charset=utf-8")
            #expect(yaml.text.contains("\n  version: \(FlowrunVersion.current)\n"))
            let fromYAML = try #require(try Yams.load(yaml: yaml.text) as? [String: Any])
            let reencoded = try JSONSerialization.data(withJSONObject: fromYAML, options: [.sortedKeys, .withoutEscapingSlashes])
            #expect(reencoded == json.body)
        }
    }

    @Test func aBrokenContractIsRefusedWithItsFileName() {
        #expect(throws: OpenAPIContract.Problem.self) { try OpenAPIContract(yaml: "openapi: 3.1.0\ninfo: {}\n", file: "x.yaml") }
        do {
            _ = try OpenAPIContract(yaml: "openapi: 3.1.0\ninfo:\n  version: 1\nx: 2026-01-01T00:00:00Z\n", file: "x.yaml")
            Issue.record("an unquoted date was accepted")
        } catch {
            #expect("\(error)".hasPrefix("x.yaml: "))
        }
    }

    @Test func docsPageAndDocumentAreServedFromTheBinary() async throws {
        let harness = try await APIHarness(token: "secret")
        try await harness.test { (client: APIClient) async throws in
            let spec = try await client.get("/api/openapi.json")
            #expect(spec.status == 200)
            #expect(spec.json["openapi"] as? String == "3.1.0")
            let docs = try await client.get("/api/docs")
            #expect(docs.status == 200)
            #expect(docs.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(docs.text.contains("/api/openapi.json"))
            #expect(
                !docs.text.contains("http://") && !docs.text.contains("https://"), "the docs page must not load anything from elsewhere")
        }
    }
}
