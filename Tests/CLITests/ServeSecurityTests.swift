import Foundation
import Testing

/// `flowrun serve` as a real process, probed over raw TCP as an attacker would: the generated
/// token, other spellings of a path, cross-site requests, DNS rebinding, and `--no-auth`.
@Suite struct ServeSecurityTests {
    static let hello = """
        name: hello
        version: 1
        steps:
          greet:
            run: echo hello
        """

    /// A running `flowrun serve --port 0` and what it printed at start.
    final class Server {
        let process: Process
        let port: Int
        let banner: String

        init(_ cli: CLI, _ arguments: [String], environment: [String: String] = [:]) throws {
            let (process, out, err) = try cli.start(["serve", "--port", "0", "--no-worker"] + arguments, environment: environment)
            self.process = process
            _ = ReadAll(err)
            // Read the banner line by line until the log-in or warning line (a deadline, not a fixed wait).
            let handle = out.fileHandleForReading
            var text = ""
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, !(text.contains("log in:") || text.contains("--no-auth:")) {
                let data = handle.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
            }
            _ = ReadAll(out)
            banner = text
            guard let range = text.range(of: #"http://[^:]+:(\d+)/"#, options: .regularExpression),
                let port = Int(text[range].split(separator: ":").last!.dropLast())
            else {
                process.terminate()
                throw RawHTTPError("serve printed no address: \(text)")
            }
            self.port = port
        }

        deinit {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    @Test func aServerWithoutAConfiguredTokenMakesOneAndGuardsEverySpelling() throws {
        let cli = try CLI()
        try cli.write("workflows/hello.yaml", Self.hello)
        var server: Server? = try Server(cli, [])
        let tokenFile = cli.directory.appendingPathComponent("data/api-token")
        let token = try String(contentsOf: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let mode = try FileManager.default.attributesOfItem(atPath: tokenFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(server!.banner.contains("/login?token=\(token)"))
        let http = RawHTTP(port: server!.port)
        let json = ["Content-Type": "application/json"]
        let submit = #"{"workflow": "hello"}"#

        for target in [
            "/api/runs", "//api/runs", "/./api/runs", "/api//runs", "/api/runs/", "/api%2Fruns", "/%61pi/runs",
            "/API/runs", "/api/health/../runs", "/api/health/..%2Fruns", "/assets/../api/runs", "//api//runs//",
        ] {
            let posted = try http.send("POST", target, headers: json, body: submit)
            #expect(!(200..<300).contains(posted.status), "POST \(target) → \(posted.status)")
            let listed = try http.send("GET", target)
            #expect(!(200..<300).contains(listed.status), "GET \(target) → \(listed.status)")
        }
        #expect(try http.send("GET", "//metrics").status != 200)
        #expect(try http.send("GET", "/api/health").status == 200)

        var bearer = json
        bearer["Authorization"] = "Bearer \(token)"
        let accepted = try http.send("POST", "/api/runs", headers: bearer, body: submit)
        #expect(accepted.status == 201, "\(accepted.body)")
        let runs = try http.send("GET", "/api/runs", headers: bearer)
        #expect(runs.body.components(separatedBy: "\"workflow\"").count - 1 == 1, "exactly the one authorised run exists")

        // The same token after a restart: nobody is logged out.
        server = nil
        let again = try Server(cli, [])
        #expect(again.banner.contains("/login?token=\(token)"))
    }

    @Test func noAuthIsRefusedOffLoopbackAndServesOnlyLoopbackHostNames() throws {
        let cli = try CLI()
        try cli.write("workflows/hello.yaml", Self.hello)
        let refused = try cli.run(["serve", "--no-auth", "--host", "0.0.0.0", "--port", "0"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--no-auth is refused on 0.0.0.0"))
        #expect(!FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("data/api-token").path))

        let server = try Server(cli, ["--no-auth"])
        let http = RawHTTP(port: server.port)
        let submit = #"{"workflow": "hello"}"#
        // DNS rebinding: another site's name resolved to 127.0.0.1.
        #expect(try http.send("GET", "/api/runs", host: "evil.example:\(server.port)").status == 403)
        #expect(
            try http.send(
                "POST", "/api/runs", host: "evil.example:\(server.port)", headers: ["Content-Type": "application/json"], body: submit
            ).status == 403)
        // A simple cross-site request: text/plain, no preflight.
        #expect(
            try http.send("POST", "/api/runs", headers: ["Content-Type": "text/plain", "Origin": "http://evil.example"], body: submit)
                .status == 403)
        #expect(try http.send("POST", "/api/runs", headers: ["Content-Type": "text/plain"], body: submit).status == 415)
        #expect(
            try http.send("POST", "/api/runs", headers: ["Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"], body: submit)
                .status == 403)
        let listed = try http.send("GET", "/api/runs")
        #expect(listed.status == 200)
        #expect(listed.body.contains("\"runs\":[]"), "nothing ran: \(listed.body.prefix(200))")
        #expect(
            try http.send(
                "POST", "/api/runs", host: "localhost:\(server.port)", headers: ["Content-Type": "application/json"], body: submit
            ).status == 201)
    }

    @Test func jsonLogsNameTheRequestOfARefusal() throws {
        let cli = try CLI()
        try cli.write("workflows/hello.yaml", Self.hello)
        let (process, out, err) = try cli.start(
            ["serve", "--port", "0", "--no-worker", "--log-format", "json"],
            environment: ["FLOWRUN_API_TOKEN": "a-token-for-this-test"])
        let errors = ReadAll(err)
        var banner = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !banner.contains("API token required") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            banner += String(decoding: data, as: UTF8.self)
        }
        _ = ReadAll(out)
        let range = try #require(banner.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression))
        let port = try #require(Int(banner[range].dropFirst("127.0.0.1:".count).dropLast()))
        let reply = try RawHTTP(port: port).send("GET", "/api/runs", headers: ["X-Request-Id": "report-7"])
        #expect(reply.status == 401)
        #expect(reply.head.contains("X-Request-Id: report-7") || reply.head.lowercased().contains("x-request-id: report-7"))
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let lines = String(decoding: errors.wait(), as: UTF8.self).split(separator: "\n")
        let entries = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(entries.count == lines.count, "every line is a JSON object: \(lines)")
        #expect(entries.contains { $0["request_id"] as? String == "report-7" && ($0["message"] as? String)?.contains("401") == true })
    }

    @Test func aPathAsWorkflowIsRefusedWithoutQuotingTheFile() throws {
        let cli = try CLI()
        try cli.write("workflows/hello.yaml", Self.hello)
        try cli.write("data/inbound/dropped.yaml", "name: dropped\nversion: 1\nsteps:\n  s: { run: touch owned }\n")
        let server = try Server(cli, [], environment: ["FLOWRUN_API_TOKEN": "a-token-for-this-test"])
        let http = RawHTTP(port: server.port)
        let headers = ["Content-Type": "application/json", "Authorization": "Bearer a-token-for-this-test"]
        for workflow in ["/etc/passwd", cli.directory.appendingPathComponent("data/inbound/dropped.yaml").path, "../data/inbound/dropped"] {
            let reply = try http.send("POST", "/api/runs", headers: headers, body: #"{"workflow": "\#(workflow)"}"#)
            #expect(reply.status == 400, "\(workflow): \(reply.status)")
            #expect(!reply.body.contains("root:x"), "the file's content was echoed")
        }
        #expect(!FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("owned").path))
    }
}
