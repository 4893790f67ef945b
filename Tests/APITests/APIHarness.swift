import API
import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Steps
import Store
import Testing

/// A data root in a temp folder with real workflow files, a real SQLite store, the API router, and a
/// client that checks every JSON response against the OpenAPI document.
struct APIHarness: Sendable {
    let root: URL
    let engine: Engine
    /// The engine's store, for tests that set up or inspect what the API cannot.
    let store: any Store
    let services: APIServices

    static let hello = """
        name: hello
        version: 1
        description: A small example
        params:
          who: { type: string, default: world }
        steps:
          greet:
            run: echo "hello ${{ params.who }}"; echo "::output msg=hi ${{ params.who }}"; mkdir -p out; echo '<svg/>' > out/plot.svg
          done:
            uses: noop
            needs: [greet]
        """

    static let failing = """
        name: failing
        version: 1
        steps:
          boom:
            run: echo "about to fail"; exit 3
        """

    static let withDataset = """
        name: with-dataset
        version: 1
        inputs:
          data: { type: dataset, required: true }
        params:
          model_type: { type: string, default: ridge, enum: [ridge, random_forest] }
        steps:
          look:
            uses: noop
        """

    init(
        token: String? = nil, trustedOrigins: Set<String> = [], maxBodySize: Int = 1 << 20,
        clock: any EngineClock = SystemClock()
    ) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-api-\(UUID().uuidString)")
        let workflows = root.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        try APIHarness.hello.write(to: workflows.appendingPathComponent("hello.yaml"), atomically: true, encoding: .utf8)
        try APIHarness.failing.write(to: workflows.appendingPathComponent("failing.yaml"), atomically: true, encoding: .utf8)
        try APIHarness.withDataset.write(to: workflows.appendingPathComponent("with-dataset.yaml"), atomically: true, encoding: .utf8)
        try "name: broken\nversion: 1\nsteps:\n  a: { uses: nope }\n".write(
            to: workflows.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let layout = DataLayout(root: root.appendingPathComponent("data"))
        try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        store = try await SQLStore.open(url: layout.database.path, logger: Logger(label: "test"))
        engine = Engine(store: store, registry: StepRegistry.builtIn(), layout: layout, workflowsDirectory: workflows, clock: clock)
        services = APIServices(
            engine: engine, apiToken: token, trustedOrigins: trustedOrigins, maxBodySize: maxBodySize, eventPollInterval: .milliseconds(20),
            snapshotTTL: 0)
    }

    var layout: DataLayout { engine.layout }

    /// The API alone, as the OpenAPI document describes it.
    func makeRouter() -> Router<APIRequestContext> { APIRouter.make(services: services) }

    /// What `flowrun serve` serves: the API and the dashboard.
    func makeServeRouter() -> Router<APIRequestContext> {
        APIRouter.make(services: services, extraRoutes: DashboardRoutes(services: services).register)
    }

    /// Runs `body` against the router of `flowrun serve`, in memory.
    func test<T>(_ body: @Sendable (APIClient) async throws -> T) async throws -> T {
        let app = Application(router: makeServeRouter())
        return try await app.test(.router) { client in try await body(APIClient(client: client)) }
    }

    /// Runs a worker until `runID` has finished.
    func runToEnd(_ runID: String) async throws -> RunRecord {
        let worker = Worker(
            engine: engine, options: .init(name: "test-worker", concurrency: 2, pollInterval: .milliseconds(50), runID: runID))
        try await worker.run()
        return try #require(try await store.run(id: runID))
    }

    /// A dataset file inside the data root.
    func writeDataset(_ name: String = "exams.csv", _ text: String = "exam_id,t,value\n1,0,0.5\n") throws -> URL {
        let url = layout.inbound.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: layout.inbound, withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

/// A response as the tests see it.
struct APIResponse: Sendable {
    var status: Int
    var headers: HTTPFields
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { ((json["error"] as? [String: Any])?["details"] as? [String: Any])?["field"] as? String }
}

/// Sends requests through the router and checks each JSON response against the OpenAPI document.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, body: Data? = nil,
        headers: HTTPFields = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> APIResponse {
        var fields = headers
        var payload: ByteBuffer?
        if let json {
            payload = ByteBuffer(string: json)
            if fields[.contentType] == nil { fields[.contentType] = "application/json" }
        } else if let body {
            payload = ByteBuffer(bytes: body)
        }
        let response = try await client.execute(uri: uri, method: method, headers: fields, body: payload)
        let result = APIResponse(status: Int(response.status.code), headers: response.headers, body: Data(buffer: response.body))
        let problems = OpenAPIChecker.shared.check(
            method: method.rawValue, uri: uri, status: result.status,
            contentType: response.headers[.contentType] ?? "", body: result.body)
        #expect(
            problems.isEmpty,
            "\(method) \(uri) → \(result.status) does not conform: \(problems.joined(separator: "; ")) — \(result.text.prefix(300))",
            sourceLocation: sourceLocation)
        return result
    }

    func get(_ uri: String, headers: HTTPFields = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws -> APIResponse {
        try await call(.get, uri, headers: headers, sourceLocation: sourceLocation)
    }

    func post(
        _ uri: String, json: String? = nil, headers: HTTPFields = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> APIResponse {
        try await call(.post, uri, json: json, headers: headers, sourceLocation: sourceLocation)
    }
}
