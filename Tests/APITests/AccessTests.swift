import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import API

/// Default deny: every route the router knows refuses an anonymous request unless it is on the
/// allow-list, however its path is spelled; and requests another web page could send change nothing.
@Suite struct AccessTests {
    /// A concrete path for a route pattern: captures become `x`.
    static func concrete(_ pattern: String) -> String {
        "/"
            + pattern.split(separator: "/").map { $0.hasPrefix("{") || $0.hasPrefix("*") || $0.hasPrefix(":") ? "x" : String($0) }.joined(
                separator: "/")
    }

    @Test func everyRouteRefusesAnAnonymousRequestUnlessItIsOnTheAllowList() async throws {
        let harness = try await APIHarness(token: "s3cret")
        // (method, pattern) pairs: the router's own route descriptions are not Sendable.
        let routes = harness.makeServeRouter().routes.map { (method: $0.method, path: "\($0.path)") }
        #expect(routes.count > 25, "the enumeration sees the whole router")
        let registered = Set(routes.map(\.path))
        for open in OpenRoutes.paths {
            #expect(registered.contains(open), "\(open) is on the allow-list but no route serves it")
        }
        try await harness.test { (client: APIClient) async throws in
            for route in routes {
                let path = Self.concrete(route.path)
                let response = try await client.client.execute(
                    uri: path, method: route.method, headers: [.contentType: "application/json"],
                    body: route.method == .get ? nil : ByteBuffer(string: "{}"))
                let status = Int(response.status.code)
                if OpenRoutes.paths.contains(route.path) {
                    #expect(
                        status != 401 && response.headers[.location]?.hasPrefix("/login") != true,
                        "\(route.path) is open but refused: \(status)")
                } else if path.hasPrefix("/api/") || path == "/metrics" {
                    #expect(status == 401, "\(route.method) \(path) answered \(status) to an anonymous request")
                } else {
                    #expect(
                        status == 303 && response.headers[.location]?.hasPrefix("/login?next=") == true,
                        "page \(path) answered \(status) to an anonymous request")
                }
            }
        }
    }

    @Test func otherSpellingsOfAPathDoNotGetPastTheGuard() async throws {
        let harness = try await APIHarness(token: "s3cret")
        try await harness.test { (client: APIClient) async throws in
            let spellings = [
                "//api/runs", "/./api/runs", "/api/./runs", "/api//runs", "/api/runs/", "/api%2Fruns", "/%61pi/runs",
                "/api/%72uns", "/API/runs", "/api/RUNS", "/api/health/../runs", "/api/health/..%2Fruns", "/assets/../api/runs",
                "//metrics", "/metrics/", "/api/docs/../runs", "/login/../api/runs",
            ]
            for path in spellings {
                for method in [HTTPRequest.Method.get, .post] {
                    let response = try await client.client.execute(
                        uri: path, method: method, headers: [.contentType: "application/json"],
                        body: method == .post ? ByteBuffer(string: #"{"workflow": "hello"}"#) : nil)
                    #expect(!(200..<300).contains(Int(response.status.code)), "\(method) \(path) → \(response.status.code)")
                }
            }
            #expect(try await harness.store.runs(.init(limit: 10)).isEmpty, "no spelling started a run")
        }
    }

    @Test func aPageFromAnotherSiteCannotChangeAnything() async throws {
        let harness = try await APIHarness()  // no token at all: the most exposed setting
        try await harness.test { (client: APIClient) async throws in
            let body = ByteBuffer(string: #"{"workflow": "hello"}"#)
            func post(_ headers: HTTPFields, uri: String = "/api/runs", body: ByteBuffer? = body) async throws -> (Int, String) {
                var headers = headers
                if let body { headers[.contentLength] = "\(body.readableBytes)" }
                let response = try await client.client.execute(uri: uri, method: .post, headers: headers, body: body)
                return (Int(response.status.code), String(buffer: response.body))
            }
            // The "simple requests" a browser sends cross-site without a preflight.
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain; charset=utf-8"]
            {
                let (status, text) = try await post([.contentType: type])
                #expect(status == 415, "\(type) → \(status)")
                #expect(text.contains("application/json"))
            }
            #expect(try await post([:]).0 == 415, "no content type")
            #expect(try await post([.contentType: "application/json", .origin: "https://evil.example"]).0 == 403)
            #expect(try await post([.contentType: "application/json", .origin: "null"]).0 == 403)
            #expect(try await post([.contentType: "application/json", .init("Sec-Fetch-Site")!: "cross-site"]).0 == 403)
            #expect(try await post([.contentType: "application/json", .init("Sec-Fetch-Site")!: "same-site"]).0 == 403)
            #expect(try await post([.contentType: "text/plain"], uri: "/api/runs/x/cancel", body: nil).0 == 415)
            #expect(try await post([.origin: "https://evil.example"], uri: "/api/runs/x/cancel", body: nil).0 == 403)
            #expect(try await post([:], uri: "/api/runs/x/cancel", body: nil).0 == 404, "curl -X POST …/cancel needs no type")
            #expect(
                try await post(
                    [.contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example"],
                    uri: "/login", body: ByteBuffer(string: "token=x")
                ).0 == 403)
            #expect(try await harness.store.runs(.init(limit: 10)).isEmpty, "nothing ran")

            // The server's own pages and non-browser clients still can.
            #expect(try await post([.contentType: "application/json", .origin: "http://localhost"]).0 == 201)
            #expect(try await post([.contentType: "application/json; charset=utf-8", .init("Sec-Fetch-Site")!: "same-origin"]).0 == 201)
            #expect(try await post([.contentType: "application/json"]).0 == 201)
            let yaml = try await post(
                [.contentType: "application/yaml"], uri: "/api/workflows/validate",
                body: ByteBuffer(string: "name: a\nversion: 1\nsteps:\n  s: { uses: noop }\n"))
            #expect(yaml.0 == 200)
        }
    }

    @Test func aTrustedPublicOriginMayChangeThings() async throws {
        let harness = try await APIHarness(token: "s3cret", trustedOrigins: ["https://flowrun.lab.example"])
        try await harness.test { (client: APIClient) async throws in
            let headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer s3cret"]
            var proxied = headers
            proxied[.origin] = "https://flowrun.lab.example"
            let accepted = try await client.client.execute(
                uri: "/api/runs", method: .post, headers: proxied, body: ByteBuffer(string: #"{"workflow": "hello"}"#))
            #expect(accepted.status == .created)
            proxied[.origin] = "https://flowrun.lab.example.evil.example"
            let refused = try await client.client.execute(
                uri: "/api/runs", method: .post, headers: proxied, body: ByteBuffer(string: #"{"workflow": "hello"}"#))
            #expect(refused.status == .forbidden)
        }
    }

    @Test(arguments: [
        ("localhost", true), ("localhost:8080", true), ("127.0.0.1:8080", true), ("127.1.2.3", true), ("[::1]:8080", true),
        ("LOCALHOST:80", true), ("evil.example", false), ("evil.example:8080", false), ("127.0.0.1.evil.example", false),
        ("localhost.evil.example", false), ("", false), ("[::2]:8080", false), ("127.0.0.256", false), ("0.0.0.0:8080", false),
    ])
    func withoutATokenOnlyLoopbackHostNamesAreServed(authority: String, loopback: Bool) {
        #expect(Loopback.isLoopback(authority: authority) == loopback)
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080", "127.0.0.1:8080"), ("http://localhost", "localhost"), ("http://h:80", "h"), ("https://h:443", "h"),
        ("https://h:8443", "h:8443"),
    ])
    func originsCompareAsTheHostHeaderIsSent(origin: String, authority: String) {
        #expect(CrossSiteMiddleware.authority(ofOrigin: origin) == authority)
    }

    @Test func aWorkflowIsANameNeverAPath() async throws {
        let harness = try await APIHarness(token: "s3cret")
        let inbound = try harness.writeDataset("evil.yaml", "name: evil\nversion: 1\nsteps:\n  s: { run: touch owned }\n")
        try await harness.test { (client: APIClient) async throws in
            let auth: HTTPFields = [.authorization: "Bearer s3cret"]
            for workflow in ["/etc/passwd", "../workflows/hello", inbound.path, "data/inbound/evil.yaml", "hello/", ".hidden", "a b", ""] {
                let json = String(decoding: try JSONSerialization.data(withJSONObject: ["workflow": workflow]), as: UTF8.self)
                let response = try await client.post("/api/runs", json: json, headers: auth)
                #expect(response.status == 400, "\(workflow) → \(response.status)")
                #expect(response.errorField == "workflow")
                #expect(!response.text.contains("root:"), "the answer quotes the file")
            }
            #expect(try await client.post("/api/runs", json: #"{"workflow": "hello.yaml"}"#, headers: auth).status == 201)
            #expect(try await client.post("/api/runs", json: #"{"workflow": "nope"}"#, headers: auth).errorCode == "workflow_not_found")
        }
    }

    @Test func errorsAreSentencesAndDoNotRevealFilesOutsideTheRoots() async throws {
        let harness = try await APIHarness(token: "s3cret")
        try FileManager.default.createDirectory(
            at: harness.layout.inbound.appendingPathComponent("folder"), withIntermediateDirectories: true)
        try await harness.test { (client: APIClient) async throws in
            let auth: HTTPFields = [.authorization: "Bearer s3cret"]
            let folder = try await client.post("/api/datasets", json: #"{"path": "inbound/folder"}"#, headers: auth)
            #expect(folder.status == 400)
            #expect(folder.text.contains("is a folder"))
            #expect(!folder.text.contains("Domain"), "\(folder.text)")
            let existing = try await client.post("/api/datasets", json: #"{"path": "/etc/passwd"}"#, headers: auth)
            let missing = try await client.post("/api/datasets", json: #"{"path": "/etc/no-such-file-here"}"#, headers: auth)
            #expect(existing.status == 400 && missing.status == 400)
            #expect(existing.errorCode == "path_not_allowed" && missing.errorCode == "path_not_allowed")
            #expect(!existing.text.contains("root:"))
        }
    }

    @Test func theLoginLinkLogsInAndDropsTheTokenFromTheAddress() async throws {
        let harness = try await APIHarness(token: "s3cret")
        try await harness.test { (client: APIClient) async throws in
            let response = try await client.client.execute(uri: "/login?token=s3cret&next=/runs", method: .get)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/runs")
            #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("flowrun_token=") })
            #expect(response.headers[.init("Referrer-Policy")!] == "no-referrer")
            let wrong = try await client.client.execute(uri: "/login?token=nope", method: .get)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[values: .setCookie].isEmpty)
        }
    }
}

@Suite struct RequestIDTests {
    @Test func everyAnswerCarriesARequestIDAndASaneOneIsKept() async throws {
        let harness = try await APIHarness(token: "s3cret")
        try await harness.test { (client: APIClient) async throws in
            let made = try await client.client.execute(uri: "/api/runs", method: .get)
            #expect(made.status == .unauthorized)
            let id = try #require(made.headers[.init("X-Request-Id")!])
            #expect(id.count == 16 && id.allSatisfy(\.isHexDigit))
            let kept = try await client.client.execute(uri: "/api/health", method: .get, headers: [.init("X-Request-Id")!: "proxy-42.a:b"])
            #expect(kept.headers[.init("X-Request-Id")!] == "proxy-42.a:b")
            let replaced = try await client.client.execute(
                uri: "/api/health", method: .get, headers: [.init("X-Request-Id")!: "bad id\u{7f}<script>"])
            #expect(replaced.headers[.init("X-Request-Id")!]?.count == 16)
        }
    }
}

@Suite struct APITokenFileTests {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func madeOnceWithMode0600AndReused() throws {
        let root = try scratch()
        let first = try APITokenFile.loadOrCreate(dataRoot: root)
        #expect(first.count == 64)
        let attributes = try FileManager.default.attributesOfItem(atPath: APITokenFile.url(dataRoot: root).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try APITokenFile.loadOrCreate(dataRoot: root) == first)
        #expect(try APITokenFile.loadOrCreate(dataRoot: try scratch()) != first)
    }

    @Test func aFileOthersCanReadIsClosedAndAnEmptyOneRefused() throws {
        let root = try scratch()
        let path = APITokenFile.url(dataRoot: root).path
        try "0123456789abcdef0123\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)
        #expect(try APITokenFile.loadOrCreate(dataRoot: root) == "0123456789abcdef0123")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        try "\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: APITokenFile.Problem.self) { try APITokenFile.loadOrCreate(dataRoot: root) }
    }
}
