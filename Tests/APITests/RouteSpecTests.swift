@testable import API
import Foundation
import Hummingbird
import Testing

/// The router and the OpenAPI document cannot drift: every route is documented and every
/// documented operation is routed.
@Suite struct RouteSpecTests {
    @Test func everyRouteIsInTheDocumentAndBack() async throws {
        let harness = try await APIHarness()
        let routed = Set(harness.makeRouter().routes.map { route in
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
        // Every $ref points at a schema that exists.
        let refs = OpenAPIDocument.json.components(separatedBy: "\"$ref\": \"#/components/schemas/").dropFirst()
            .map { String($0.prefix { $0 != "\"" }) }
        #expect(!refs.isEmpty)
        for name in Set(refs) { #expect(schemas[name] != nil, "missing schema \(name)") }
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
            #expect(!docs.text.contains("http://") && !docs.text.contains("https://"), "the docs page must not load anything from elsewhere")
        }
    }
}
