import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The API's answers to a fixed set of requests, byte for byte, as recorded in
/// `Fixtures/api-recording.txt` before the routes moved to the OpenAPI generator (issue 15): a change
/// of wire format (a key, an escape, a number's spelling, a status, a content type) fails here.
///
/// What must vary is normalised before the comparison, and only that: run ids (`<run-N>`, by order
/// of submission), timestamps (`<time>`), `duration_seconds` values (`<seconds>`), the temporary data
/// root (`<root>`), in log lines the worker's pid, and a dataset's `schema` object (`<schema>`: what
/// the registering code profiled, issue 14's, not the wire format). Not recorded: `/api/health` and `/metrics`
/// (their fields change with issue 13's worker view), `/api/openapi.json` (the document itself), and
/// the dashboard's pages (`DashboardTests`).
///
/// To record anew (only when a change of the wire format is intended):
/// `FLOWRUN_RECORD_API=1 swift test --skip-build --filter RecordedResponsesTests`.
@Suite struct RecordedResponsesTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/api-recording.txt")

    @Test func answersAreByteEqualToTheRecording() async throws {
        let harness = try await APIHarness(token: "secret")
        let transcript = try await harness.test { (client: APIClient) async throws -> String in
            var recorder = Recorder(client: client, root: harness.root.path)
            try await Self.scenario(&recorder, harness: harness)
            return recorder.transcript
        }
        if ProcessInfo.processInfo.environment["FLOWRUN_RECORD_API"] == "1" {
            try FileManager.default.createDirectory(at: Self.fixture.deletingLastPathComponent(), withIntermediateDirectories: true)
            try transcript.write(to: Self.fixture, atomically: true, encoding: .utf8)
            return
        }
        let recorded = try String(contentsOf: Self.fixture, encoding: .utf8)
        let old = recorded.components(separatedBy: Recorder.separator)
        let new = transcript.components(separatedBy: Recorder.separator)
        #expect(old.count == new.count, "the recording has \(old.count) exchanges, this run \(new.count)")
        for (before, after) in zip(old, new) where before != after {
            Issue.record("answer changed:\n--- recorded\n\(before)\n--- now\n\(after)")
        }
    }

    /// The requests, in order. Every JSON endpoint, its main refusals, and the hand-written ones.
    static func scenario(_ r: inout Recorder, harness: APIHarness) async throws {
        // Anonymous: refused.
        try await r.call(.get, "/api/runs", token: false)
        try await r.call(.post, "/api/runs", json: #"{"workflow":"hello"}"#, token: false)

        // Workflows.
        try await r.call(.get, "/api/workflows")
        try await r.call(.get, "/api/workflows/hello")
        try await r.call(.get, "/api/workflows/broken")
        try await r.call(.get, "/api/workflows/nope")
        try await r.call(.post, "/api/workflows/validate", json: #"{"yaml":"name: x\nversion: 1\nsteps:\n  a: { uses: noop }\n"}"#)
        try await r.call(.post, "/api/workflows/validate", json: #"{"yaml":"name: x\nsteps: 3\n","file":"mine.yaml"}"#)
        try await r.call(
            .post, "/api/workflows/validate", body: "name: y\nversion: 1\nsteps:\n  a: { uses: nope }\n", contentType: "application/yaml")
        try await r.call(.post, "/api/workflows/validate", json: #"{"file":"x.yaml"}"#)

        // Datasets.
        let dataset = try harness.writeDataset()
        try await r.call(.post, "/api/datasets", json: #"{"path":"\#(dataset.path)"}"#)
        try await r.call(.post, "/api/datasets", json: #"{"path":"\#(dataset.path)"}"#)
        try await r.call(.post, "/api/datasets", json: #"{"path":""}"#)
        try await r.call(.post, "/api/datasets", json: #"{"path":"/etc/passwd"}"#)
        try await r.call(.post, "/api/datasets", json: #"{"path":42}"#)
        try await r.call(.post, "/api/datasets", json: #"{"path":"#)
        try await r.call(.get, "/api/datasets")
        try await r.call(.get, "/api/datasets?limit=1")
        try await r.call(.get, "/api/datasets?limit=abc")
        try await r.call(.get, "/api/datasets/ds-000000000000")

        // Runs: submit, refusals, read, run, list.
        let hello = try await r.submit(#"{"workflow":"hello","params":{"who":"api"}}"#)
        try await r.call(.get, "/api/runs/\(hello)")
        _ = try await harness.runToEnd(hello)
        try await r.call(.get, "/api/runs/\(hello)")
        let failing = try await r.submit(#"{"workflow":"failing","trigger":"ui"}"#)
        _ = try await harness.runToEnd(failing)
        let withData = try await r.submit(#"{"workflow":"with-dataset","dataset_path":"\#(dataset.path)","model_type":"random_forest"}"#)
        try await r.call(.post, "/api/runs", json: #"{"workflow":""}"#)
        try await r.call(.post, "/api/runs", json: #"{"workflow":"../etc/passwd"}"#)
        try await r.call(.post, "/api/runs", json: #"{"workflow":"nope"}"#)
        try await r.call(.post, "/api/runs", json: #"{"workflow":"broken"}"#)
        try await r.call(.post, "/api/runs", json: #"{"workflow":"hello","trigger":"cron"}"#)
        try await r.call(.post, "/api/runs", json: #"{"workflow":"hello","params":{"who":3}}"#)
        try await r.call(.post, "/api/runs", json: #"{"workflow":"with-dataset"}"#)
        try await r.call(.post, "/api/runs", json: #"{"workflow":"with-dataset","dataset_id":"ds-1","dataset_path":"x"}"#)
        try await r.call(.post, "/api/runs", json: #"{"workflow":"with-dataset","dataset_id":"ds-000000000000"}"#)
        try await r.call(.post, "/api/runs", json: #"{"workflow":"with-dataset","model_type":"ridge","params":{"model_type":"svm"}}"#)
        try await r.call(.post, "/api/runs", json: #"{"params":{}}"#)
        try await r.call(.post, "/api/runs", json: "[]")
        try await r.call(.post, "/api/runs")
        try await r.call(.get, "/api/runs")
        try await r.call(.get, "/api/runs?limit=1")
        try await r.call(.get, "/api/runs?limit=1&before=\(withData)")
        try await r.call(.get, "/api/runs?state=failed")
        try await r.call(.get, "/api/runs?workflow=hello&dataset=nope")
        try await r.call(.get, "/api/runs?state=sleeping")
        try await r.call(.get, "/api/runs?limit=0")
        try await r.call(.get, "/api/runs?before=nope")
        try await r.call(.get, "/api/runs/nope")

        // Cancel and retry.
        try await r.call(.post, "/api/runs/\(withData)/cancel")
        try await r.call(.post, "/api/runs/\(withData)/cancel")
        try await r.call(.post, "/api/runs/\(failing)/retry")
        try await r.call(.post, "/api/runs/\(hello)/retry")
        try await r.call(.post, "/api/runs/nope/cancel")
        try await r.call(.post, "/api/runs/nope/retry")

        // Logs, artifacts, events.
        try await r.call(.get, "/api/runs/\(hello)/logs?step=greet")
        try await r.call(.get, "/api/runs/\(hello)/logs?step=greet&lines=1")
        try await r.call(.get, "/api/runs/\(hello)/logs?step=greet&attempt=2")
        try await r.call(.get, "/api/runs/\(hello)/logs?step=nope")
        try await r.call(.get, "/api/runs/\(hello)/logs?attempt=1")
        try await r.call(.get, "/api/runs/nope/logs")
        try await r.call(.get, "/api/runs/\(hello)/artifacts/greet/out/plot.svg")
        try await r.call(.get, "/api/runs/\(hello)/artifacts/greet/out/none.svg")
        try await r.call(.get, "/api/runs/\(hello)/artifacts/greet%2Fout/plot.svg")
        try await r.call(.get, "/api/runs/\(hello)/artifacts/../../etc/passwd")
        try await r.call(.get, "/api/runs/\(hello)/events")
        try await r.call(.get, "/api/runs/nope/events")

        // Comparing.
        try await r.call(.get, "/api/metrics/compare?runs=\(hello),\(failing)")
        try await r.call(.get, "/api/metrics/compare")
        try await r.call(.get, "/api/metrics/compare?runs=\(hello),nope")

        // Not routed, wrong method, too large.
        try await r.call(.get, "/api/nothing")
        try await r.call(.delete, "/api/runs/\(hello)")
        try await r.call(
            .post, "/api/runs", json: #"{"workflow":"hello","params":{"x":""# + String(repeating: "a", count: 1 << 20) + #""}}"#)
    }

    /// Sends requests and writes each exchange down, normalised.
    struct Recorder {
        static let separator = "\n=====\n"
        let client: APIClient
        let root: String
        var runs: [String] = []
        var transcript = ""

        init(client: APIClient, root: String) {
            self.client = client
            self.root = root
        }

        /// Submits a run and remembers its id for normalising.
        mutating func submit(_ json: String) async throws -> String {
            let response = try await call(.post, "/api/runs", json: json)
            let id = try #require(response.json["id"] as? String, "submit failed: \(response.text)")
            runs.append(id)
            // Its answer was written before the id was known: write it again, normalised.
            transcript = normalise(transcript)
            return id
        }

        @discardableResult
        mutating func call(
            _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, body: String? = nil,
            contentType: String? = nil, token: Bool = true
        ) async throws -> APIResponse {
            var headers: HTTPFields = [:]
            if token { headers[.authorization] = "Bearer secret" }
            if let contentType { headers[.contentType] = contentType }
            let response = try await client.call(method, uri, json: json, body: body.map { Data($0.utf8) }, headers: headers)
            let shownURI = uri.count > 200 ? String(uri.prefix(200)) + "…" : uri
            let shownJSON = json.map { $0.count > 200 ? String($0.prefix(200)) + "…" : $0 }
            var entry = "\(method.rawValue) \(shownURI)"
            if let shownJSON { entry += " " + shownJSON }
            if let body { entry += " " + body.debugDescription }
            entry += "\nstatus: \(response.status)\ncontent-type: \(response.headers[.contentType] ?? "")\n\n" + response.text
            if !transcript.isEmpty { transcript += Self.separator }
            transcript += normalise(entry)
            return response
        }

        func normalise(_ text: String) -> String {
            var out = text.replacingOccurrences(of: root, with: "<root>")
            for (index, id) in runs.enumerated() { out = out.replacingOccurrences(of: id, with: "<run-\(index + 1)>") }
            out = out.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"#, with: "<time>", options: .regularExpression)
            out = out.replacingOccurrences(
                of: #""duration_seconds":-?[0-9.eE+-]+"#, with: #""duration_seconds":<seconds>"#, options: .regularExpression)
            out = out.replacingOccurrences(of: #"(test-worker|pid) ?[:=]? ?\d+"#, with: "$1 <n>", options: .regularExpression)
            return Self.replacingObjects(after: #""schema":"#, in: out, with: "<schema>")
        }

        /// `text` with the JSON object after each `key` replaced: a dataset's `schema` is what the
        /// registering code profiled (issue 14 changes it), not the API's wire format.
        static func replacingObjects(after key: String, in text: String, with placeholder: String) -> String {
            var out = ""
            var rest = Substring(text)
            while let found = rest.range(of: key) {
                out += rest[..<found.upperBound]
                rest = rest[found.upperBound...]
                guard rest.first == "{" else { continue }
                var depth = 0, inString = false, escaped = false
                var end = rest.startIndex
                for index in rest.indices {
                    let char = rest[index]
                    if inString {
                        if escaped { escaped = false } else if char == "\\" { escaped = true } else if char == "\"" { inString = false }
                    } else if char == "\"" {
                        inString = true
                    } else if char == "{" {
                        depth += 1
                    } else if char == "}" {
                        depth -= 1
                        if depth == 0 { end = rest.index(after: index); break }
                    }
                }
                guard depth == 0 else { break }
                out += placeholder
                rest = rest[end...]
            }
            return out + rest
        }
    }
}
