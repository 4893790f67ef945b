import Foundation
import Hummingbird
import Store
import Testing

@testable import API

/// The dashboard's pages through the router of `flowrun serve`, in memory, on a real SQLite store.
@Suite struct DashboardPageTests {
    @Test func everyPageAnswersWithItsContent() async throws {
        let harness = try await APIHarness()
        let dataset = try await harness.engine.registerDataset(path: try harness.writeDataset().path)
        try await harness.test { (client: APIClient) async throws in
            let created = try await client.post("/api/runs", json: #"{"workflow": "hello", "trigger": "ui"}"#)
            let id = try #require(created.json["id"] as? String)
            _ = try await harness.runToEnd(id)

            let overview = try await client.get("/")
            #expect(overview.status == 200)
            #expect(overview.headers[.contentType] == "text/html; charset=utf-8")
            #expect(overview.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(overview.text.contains("id=\"stat-runs\"") && overview.text.contains("id=\"state-bar\""))
            #expect(overview.text.contains("data-run=\"\(id)\""))

            let runs = try await client.get("/runs")
            #expect(runs.status == 200)
            #expect(runs.text.contains("<tr data-run=\"\(id)\" data-state=\"succeeded\">"))

            let run = try await client.get("/runs/\(id)")
            #expect(run.status == 200)
            for expected in [
                "id=\"run-state\" class=\"state state-succeeded\" data-state=\"succeeded\"",
                "data-step=\"greet\" data-state=\"succeeded\"", "data-step=\"done\" data-state=\"succeeded\"",
                "data-from=\"greet\" data-to=\"done\"", "id=\"timeline\"", "data-log-step=\"greet\"",
                "src=\"/api/runs/\(id)/artifacts/greet/out/plot.svg\"", "id=\"retry-run\" data-action=\"retry\" disabled",
                "run submitted by ui",
            ] {
                #expect(run.text.contains(expected), "run page lacks \(expected)")
            }
            let live = try await client.get("/runs/\(id)/live")
            #expect(live.status == 200)
            #expect(live.text.hasPrefix("<h1>Run") && !live.text.contains("<nav"))

            let datasets = try await client.get("/datasets")
            #expect(datasets.status == 200)
            #expect(datasets.text.contains("data-dataset=\"\(dataset.id)\""))
            let datasetPage = try await client.get("/datasets/\(dataset.id)")
            #expect(datasetPage.status == 200)
            #expect(datasetPage.text.contains(dataset.contentHash) && datasetPage.text.contains("data-state=\"ok\""))

            let workflows = try await client.get("/workflows")
            #expect(workflows.status == 200)
            #expect(workflows.text.contains("data-workflow=\"hello\"") && workflows.text.contains("data-workflow=\"broken\""))
            let hello = try await client.get("/workflows/hello")
            #expect(hello.status == 200)
            #expect(hello.text.contains("<form id=\"run-form\" data-workflow=\"hello\">"))
            #expect(hello.text.contains("data-param=\"who\" data-type=\"string\" value=\"world\""))
            let withDataset = try await client.get("/workflows/with-dataset")
            #expect(withDataset.text.contains("<option value=\"\(dataset.id)\">"))
            #expect(withDataset.text.contains("<option value=\"&quot;ridge&quot;\" selected>ridge</option>"))
            let broken = try await client.get("/workflows/broken")
            #expect(broken.text.contains("id=\"run-form-disabled\"") && broken.text.contains("class=\"line has-error\""))

            for (path, type) in [("/assets/dashboard.css", "text/css"), ("/assets/dashboard.js", "text/javascript")] {
                let asset = try await client.get(path)
                #expect(asset.status == 200)
                #expect(asset.headers[.contentType]?.hasPrefix(type) == true)
            }
        }
    }

    @Test func datasetPageShowsTheSchemaAndWhyItWasRejected() async throws {
        let harness = try await APIHarness()
        let schema =
            #"{"rows": 12000, "columns": [{"name": "exam_id", "type": "int", "missing": 0}, {"name": "pressure", "type": "float", "missing": 134}], "quality": {"duplicates": 58}}"#
        let record = DatasetRecord(
            id: "ds-rejected", path: "/data/inbound/bad.csv", sizeBytes: 2048, contentHash: String(repeating: "ab", count: 32),
            schemaJSON: schema, registeredAt: Date(), status: "rejected", rejectReason: "row 3, column 'pressure': not a number")
        _ = try await harness.store.registerDataset(record)
        try await harness.test { (client: APIClient) async throws in
            let page = try await client.get("/datasets/ds-rejected")
            #expect(page.status == 200)
            #expect(page.text.contains("id=\"dataset-status\" class=\"state state-rejected\" data-state=\"rejected\""))
            #expect(page.text.contains("Rejected: row 3, column &#39;pressure&#39;: not a number"))
            #expect(page.text.contains("<th>rows</th><td><span class=\"mono\">12000</span></td>"))
            #expect(page.text.contains("<thead><tr><th>missing</th><th>name</th><th>type</th></tr></thead>"))
            #expect(page.text.contains("<td><span>pressure</span></td>") && page.text.contains("<th>duplicates</th>"))
            #expect(page.text.contains("2.0 kB"))  // ByteText: SI's kB, as the CLI wrote it (the page said KB)
            // A rejected dataset is not offered to run on.
            let form = try await client.get("/workflows/with-dataset")
            #expect(!form.text.contains("ds-rejected"))
        }
    }

    @Test func theDashboardAddsNoAPIRoutes() async throws {
        let harness = try await APIHarness()
        let api = Set(harness.makeRouter().routes.map { "\($0.method) \($0.path)" })
        let added = harness.makeServeRouter().routes.map { "\($0.method) \($0.path)" }.filter { !api.contains($0) }
        #expect(added.contains("GET /runs/{id}"))
        #expect(added.allSatisfy { !$0.contains(" /api/") && !$0.contains(" api/") && !$0.hasSuffix(" /metrics") }, "\(added)")
    }

    @Test func unknownRunsDatasetsAndWorkflowsGetA404Page() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            for path in ["/runs/nope", "/datasets/nope", "/workflows/nope"] {
                let response = try await client.get(path)
                #expect(response.status == 404, "\(path)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.text.contains("id=\"not-found\"") && response.text.contains("&#39;nope&#39;"), "\(path)")
            }
            #expect(try await client.get("/runs/nope/live").status == 404)
        }
    }

    @Test func everythingAUserWroteIsEscaped() async throws {
        let harness = try await APIHarness()
        let workflows = harness.engine.workflowsDirectory
        try """
        name: shady
        version: 1
        description: "<script>alert('description')</script>"
        params:
          who: { type: string, default: "<img src=x onerror=alert(1)>", description: "<u>under</u>" }
          pick: { type: string, default: "a\\"b", enum: ["a\\"b", "<i>"] }
        steps:
          greet:
            run: echo "::output msg=${{ params.who }}"
        """.write(to: workflows.appendingPathComponent("shady.yaml"), atomically: true, encoding: .utf8)
        try "name: \"<script>alert('name')</script>\"\nversion: 1\nsteps:\n  a: { uses: noop }\n"
            .write(to: workflows.appendingPathComponent("evil.yaml"), atomically: true, encoding: .utf8)
        let dataset = try await harness.engine.registerDataset(path: try harness.writeDataset("<i>x'\"&.csv").path)
        try await harness.test { (client: APIClient) async throws in
            let created = try await client.post(
                "/api/runs", json: #"{"workflow": "shady", "params": {"who": "<script>alert(\"who\")</script>"}}"#)
            let id = try #require(created.json["id"] as? String)
            _ = try await harness.runToEnd(id)
            for path in [
                "/", "/runs", "/runs/\(id)", "/runs/\(id)/live", "/workflows", "/workflows/shady", "/workflows/evil",
                "/datasets", "/datasets/\(dataset.id)",
            ] {
                let page = try await client.get(path)
                #expect(page.status == 200, "\(path)")
                // The only element a user's text could have opened is the page's own script tag.
                #expect(page.text.components(separatedBy: "<script").count <= 2, "\(path) has a user's <script>")
                #expect(
                    !page.text.contains("<img src=x") && !page.text.contains("<u>") && !page.text.contains("<i>"), "\(path) has user markup"
                )
            }
            let run = try await client.get("/runs/\(id)")
            #expect(run.text.contains("&lt;script&gt;alert(&quot;who&quot;)&lt;/script&gt;"))
            let shady = try await client.get("/workflows/shady")
            #expect(shady.text.contains("&lt;script&gt;alert(&#39;description&#39;)&lt;/script&gt;"))
            #expect(shady.text.contains("value=\"&lt;img src=x onerror=alert(1)&gt;\""))
            #expect(shady.text.contains("<option value=\"&quot;a\\&quot;b&quot;\" selected>a&quot;b</option>"))
            let evil = try await client.get("/workflows/evil")
            #expect(evil.text.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"))
            let datasets = try await client.get("/datasets")
            #expect(datasets.text.contains("&lt;i&gt;x&#39;&quot;&amp;.csv"))
        }
    }

    @Test func runsPageFiltersAndPagesWithTheCursor() async throws {
        let harness = try await APIHarness()
        for _ in 0..<52 { _ = try await harness.engine.submit(.init(workflow: "hello", trigger: .api)) }
        let failing = try await harness.engine.submit(.init(workflow: "failing", trigger: .api))
        try await harness.test { (client: APIClient) async throws in
            let first = try await client.get("/runs")
            #expect(first.text.components(separatedBy: "<tr data-run=").count - 1 == RunsPage.pageSize)
            #expect(first.text.contains("data-run=\"\(failing.id)\""))
            #expect(!first.text.contains("id=\"newest\""))
            let older = try #require(first.text.firstMatch(of: /id="older" href="([^"]+)"/)?.1)
            let second = try await client.get(String(older).replacingOccurrences(of: "&amp;", with: "&"))
            #expect(second.text.components(separatedBy: "<tr data-run=").count - 1 == 3)
            #expect(second.text.contains("id=\"newest\"") && !second.text.contains("id=\"older\""))

            let filtered = try await client.get("/runs?workflow=failing&state=queued")
            #expect(filtered.text.components(separatedBy: "<tr data-run=").count - 1 == 1)
            #expect(
                filtered.text.contains("<option selected>failing</option>") && filtered.text.contains("<option selected>queued</option>"))
            let none = try await client.get("/runs?state=succeeded")
            #expect(none.text.contains("id=\"runs-table-empty\""))
        }
    }

    @Test func overviewChartsAMetricAcrossRuns() async throws {
        let harness = try await APIHarness()
        for f1 in [0.5, 0.75] {
            let run = try await harness.engine.submit(.init(workflow: "hello", trigger: .api))
            try await finish(run.id, metrics: ["f1": f1], store: harness.store)
        }
        try await harness.test { (client: APIClient) async throws in
            let overview = try await client.get("/?workflow=hello&metric=greet.f1")
            #expect(overview.text.contains("<option selected>greet.f1</option>"))
            #expect(overview.text.contains("id=\"metric-chart\""))
            #expect(overview.text.components(separatedBy: "class=\"chart-dot\"").count - 1 == 2)
            #expect(overview.text.contains("id=\"stat-success\"><div class=\"value\">100.0 %"))
        }
    }

    /// Completes every step of a run as a worker would, reporting `metrics` from each.
    func finish(_ runID: String, metrics: [String: Double], store: any Store) async throws {
        let now = Date()
        while true {
            let claimed = try await store.claimReadySteps(
                worker: "test", runID: runID, limit: 10, now: now, leaseUntil: now.addingTimeInterval(60))
            if claimed.isEmpty { return }
            for step in claimed {
                let key = StepAttemptKey(runID: runID, stepID: step.stepID, attempt: step.attempt)
                _ = try await store.completeStep(
                    .init(key: key, worker: "test", outcome: .succeeded(outputs: [:], metrics: metrics), now: now))
            }
        }
    }
}

/// Login, the cookie and CSRF, with a token set.
@Suite struct DashboardLoginTests {
    @Test func pagesSendVisitorsWithoutTheTokenToLogin() async throws {
        let harness = try await APIHarness(token: "s3cret")
        try await harness.test { (client: APIClient) async throws in
            let page = try await client.get("/runs?state=failed")
            #expect(page.status == 303)
            #expect(page.headers[.location] == "/login?next=%2Fruns%3Fstate%3Dfailed")
            #expect(try await client.get("/", headers: [.cookie: "flowrun_token=wrong"]).status == 303)
            #expect(try await client.get("/", headers: [.authorization: "Bearer s3cret"]).status == 200)
            #expect(try await client.get("/", headers: [.cookie: "flowrun_token=s3cret"]).status == 200)
            // No data in these: open.
            #expect(try await client.get("/login").status == 200)
            #expect(try await client.get("/assets/dashboard.js").status == 200)
            #expect(try await client.get("/api/health").status == 200)
        }
    }

    @Test func loginSetsAnHttpOnlyStrictCookieAndACSRFCookie() async throws {
        let harness = try await APIHarness(token: "s3 cr;et%")
        try await harness.test { (client: APIClient) async throws in
            let wrong = try await login(client, token: "nope", next: "/runs")
            #expect(wrong.status == 401)
            #expect(wrong.text.contains("id=\"login-error\""))
            #expect(wrong.headers[values: .setCookie].isEmpty)

            let right = try await login(client, token: "s3 cr;et%", next: "/runs?state=failed")
            #expect(right.status == 303)
            #expect(right.headers[.location] == "/runs?state=failed")
            let cookies = right.headers[values: .setCookie]
            let token = try #require(cookies.first { $0.hasPrefix("flowrun_token=") })
            #expect(token.contains("HttpOnly") && token.contains("SameSite=Strict") && token.contains("Path=/"))
            #expect(token.hasPrefix("flowrun_token=s3%20cr%3Bet%25;"))
            let csrfCookie = try #require(cookies.first { $0.hasPrefix("flowrun_csrf=") })
            #expect(!csrfCookie.contains("HttpOnly") && csrfCookie.contains("SameSite=Strict"))
            let csrf = String(csrfCookie.dropFirst("flowrun_csrf=".count).prefix { $0 != ";" })
            #expect(csrf.count == 64)

            let session = "flowrun_token=s3%20cr%3Bet%25; flowrun_csrf=\(csrf)"
            #expect(try await client.get("/runs", headers: [.cookie: session]).status == 200)
            #expect(try await client.get("/api/runs", headers: [.cookie: session]).status == 200)
            let body = #"{"workflow": "hello", "trigger": "ui"}"#
            let forged = try await client.post("/api/runs", json: body, headers: [.cookie: session])
            #expect(forged.status == 403)
            #expect(forged.errorCode == "csrf")
            // One character changed (a random token may already start with "0": then "1").
            let other = (csrf.first == "0" ? "1" : "0") + csrf.dropFirst()
            let mismatched = try await client.post("/api/runs", json: body, headers: [.cookie: session, .csrfToken: other])
            #expect(mismatched.status == 403)
            let submitted = try await client.post("/api/runs", json: body, headers: [.cookie: session, .csrfToken: csrf])
            #expect(submitted.status == 201)
            let id = try #require(submitted.json["id"] as? String)
            #expect(try await client.post("/api/runs/\(id)/cancel", headers: [.cookie: session]).status == 403)
            #expect(try await client.post("/api/runs/\(id)/cancel", headers: [.cookie: session, .csrfToken: csrf]).status == 200)

            let logout = try await client.call(.post, "/logout", headers: [.cookie: session])
            #expect(logout.status == 303)
            #expect(logout.headers[values: .setCookie].allSatisfy { $0.contains("Max-Age=0") })
        }
    }

    @Test func loginOnlyReturnsToPathsOnThisServer() async throws {
        let harness = try await APIHarness(token: "s3cret")
        try await harness.test { (client: APIClient) async throws in
            for next in ["//evil.example/", "https://evil.example/", "/\\evil.example", "runs", ""] {
                let response = try await login(client, token: "s3cret", next: next)
                #expect(response.headers[.location] == "/", "next=\(next)")
            }
            let form = try await client.get("/login?next=%2Fruns%22%3E%3Cscript%3E")
            #expect(form.text.contains("value=\"/runs&quot;&gt;&lt;script&gt;\""))
        }
    }

    @Test func withoutATokenThereIsNoLogin() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let login = try await client.get("/login?next=/runs")
            #expect(login.status == 303)
            #expect(login.headers[.location] == "/runs")
            let page = try await client.get("/")
            #expect(page.status == 200)
            #expect(!page.text.contains("Log out"))
        }
    }

    func login(_ client: APIClient, token: String, next: String) async throws -> APIResponse {
        let form = "token=\(urlPart(token))&next=\(urlPart(next))"
        return try await client.call(.post, "/login", body: Data(form.utf8), headers: [.contentType: "application/x-www-form-urlencoded"])
    }
}

/// The charts' arithmetic.
@Suite struct DashboardChartTests {
    @Test func graphColumnsFollowDependencyDepth() {
        let graph = DAGGraph(nodes: [
            .init(id: "a", needs: [], state: "succeeded", detail: ""),
            .init(id: "b", needs: ["a"], state: "running", detail: ""),
            .init(id: "c", needs: ["a"], state: "ready", detail: ""),
            .init(id: "d", needs: ["b", "c"], state: "pending", detail: ""),
            .init(id: "e", needs: ["a", "d"], state: "pending", detail: ""),
            .init(id: "lonely", needs: ["missing"], state: "pending", detail: ""),
        ])
        #expect(graph.depths() == ["a": 0, "b": 1, "c": 1, "d": 2, "e": 3, "lonely": 0])
        let svg = graph.svg()
        #expect(svg.components(separatedBy: "class=\"dag-edge\"").count - 1 == 6)
        #expect(svg.contains("class=\"dag-node state-running\" data-step=\"b\" data-state=\"running\""))
    }

    @Test(arguments: [
        (0.02, 0.98, 4, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0.7, 0.8, 4, [0.7, 0.72, 0.74, 0.76, 0.78, 0.8]),
        (3.0, 97.0, 4, [0.0, 20, 40, 60, 80, 100]),
        (-1.5, 1.5, 4, [-2.0, -1, 0, 1, 2]),
    ])
    func ticksAreRoundAndCoverTheRange(low: Double, high: Double, count: Int, expected: [Double]) {
        let ticks = Ticks.values(low, high, count: count)
        #expect(ticks.count == expected.count, "\(ticks)")
        for (tick, want) in zip(ticks, expected) { #expect(abs(tick - want) < 1e-9, "\(ticks)") }
    }

    @Test func durationTicksCountInReadableSteps() {
        #expect(Ticks.seconds(upTo: 50) == [0, 10, 20, 30, 40, 50])
        #expect(Ticks.seconds(upTo: 170) == [0, 30, 60, 90, 120, 150])
        #expect(Format.shortDuration(90) == "1m30s")
        #expect(Format.duration(185) == "3 m 05 s")
    }
}
