import Engine
import FlowSpec
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

/// Comparing runs over HTTP: run references in `{id}` paths, `GET /api/runs/compare`, the
/// leaderboard, and the dashboard's compare page, runs table, "Run again" and leaderboard.
@Suite struct CompareEndpointTests {
    /// A finished run of `hello` whose greet step reported `metrics`, completed through the store
    /// as a worker would (the API harness has no step that reports chosen metrics).
    static func scoredRun(_ h: APIHarness, who: String, metrics: [String: Double], at: Date) async throws -> String {
        let run = try await h.engine.submit(SubmitRequest(workflow: "hello", params: ["who": .string(who)], trigger: .api))
        for step in ["greet", "done"] {
            let claimed = try await h.store.claimReadySteps(
                worker: "t", runID: run.id, limit: 1, now: at, leaseUntil: at.addingTimeInterval(60))
            let held = try #require(claimed.first { $0.stepID == step })
            let applied = try await h.store.completeStep(
                StepCompletion(
                    key: StepAttemptKey(runID: run.id, stepID: step, attempt: held.attempt), worker: "t",
                    outcome: .succeeded(outputs: [:], metrics: step == "greet" ? metrics : [:]), now: at.addingTimeInterval(2)))
            #expect(applied)
        }
        return run.id
    }

    @Test func compareLeaderboardAndRunReferencesOverTheAPI() async throws {
        let h = try await APIHarness(token: "secret")
        let now = Date()
        let a = try await Self.scoredRun(h, who: "ann", metrics: ["accuracy": 0.8, "rmse": 0.3, "rows_read": 10], at: now)
        let b = try await Self.scoredRun(h, who: "bob", metrics: ["accuracy": 0.9, "rmse": 0.5, "rows_read": 10], at: now)
        try await h.test { (client: APIClient) async throws in
            let auth: HTTPFields = [.authorization: "Bearer secret"]
            let compare = try await client.get("/api/runs/compare?runs=\(a),latest&metric=accuracy", headers: auth)
            #expect(compare.status == 200)
            let runs = try #require(compare.json["runs"] as? [[String: Any]])
            #expect(runs.compactMap { $0["id"] as? String } == [b, a])
            #expect(compare.json["sorted_by"] as? String == "accuracy")
            let params = try #require(compare.json["params"] as? [[String: Any]])
            #expect(params.first?["name"] as? String == "who" && params.first?["differs"] as? Bool == true)
            #expect((params.first?["values"] as? [String: String]) == [a: "ann", b: "bob"])
            let metrics = try #require(compare.json["metrics"] as? [[String: Any]])
            #expect(metrics.compactMap { $0["key"] as? String } == ["greet.accuracy", "greet.rmse", "greet.rows_read"])
            #expect(metrics[0]["best"] as? [String] == [b])
            #expect(metrics[1]["best"] as? [String] == [a])
            #expect(metrics[1]["better"] as? String == "lower")
            #expect(metrics[2]["group"] as? String == "data" && (metrics[2]["best"] as? [String])?.isEmpty == true)

            let unknownMetric = try await client.get("/api/runs/compare?runs=\(a),\(b)&metric=acuracy", headers: auth)
            #expect(unknownMetric.status == 400 && unknownMetric.errorField == "metric")
            let missing = try await client.get("/api/runs/compare?runs=\(a),20001231", headers: auth)
            #expect(missing.status == 404 && missing.errorField == "runs")
            #expect(try await client.get("/api/runs/compare?runs=\(a)").status == 401)

            let board = try await client.get("/api/workflows/hello/leaderboard?metric=rmse&limit=1", headers: auth)
            #expect(board.status == 200)
            #expect(board.json["better"] as? String == "lower")
            let top = try #require((board.json["runs"] as? [[String: Any]])?.first)
            #expect(top["id"] as? String == a && top["rank"] as? Int == 1 && top["value"] as? Double == 0.3)
            #expect(try await client.get("/api/workflows/nope/leaderboard", headers: auth).errorCode == "workflow_not_found")
            #expect(try await client.get("/api/workflows/hello/leaderboard?limit=0", headers: auth).status == 400)

            // {id} paths take references: latest, latest~1, a unique prefix; an ambiguous prefix lists the candidates.
            #expect(try await client.get("/api/runs/latest", headers: auth).json["id"] as? String == b)
            #expect(try await client.get("/api/runs/latest~1/params", headers: auth).json["run_id"] as? String == a)
            let unique = String(a.prefix(a.count - 1))
            #expect(try await client.get("/api/runs/\(unique)", headers: auth).json["id"] as? String == a)
            let shared = String(zip(a, b).prefix { $0 == $1 }.map(\.0))
            let ambiguous = try await client.get("/api/runs/\(shared)/logs", headers: auth)
            #expect(ambiguous.status == 400)
            #expect(ambiguous.errorCode == "ambiguous_run_id")
            let details = (ambiguous.json["error"] as? [String: Any])?["details"] as? [String: Any]
            #expect(details?["candidates"] as? [String] == [a, b].sorted())
            #expect(try await client.get("/api/runs/latest~5", headers: auth).status == 404)

            // Health: the step cache's size, for token holders only.
            let health = try await client.get("/api/health", headers: auth)
            #expect((health.json["cache"] as? [String: Any])?["entries"] as? Int == 0)
            #expect(try await client.get("/api/health").json["cache"] == nil)
        }
    }

    @Test func theDashboardComparesRunsRanksThemAndFillsRunAgain() async throws {
        let h = try await APIHarness()
        let now = Date()
        let a = try await Self.scoredRun(h, who: "ann", metrics: ["accuracy": 0.8], at: now)
        let b = try await Self.scoredRun(h, who: "bob", metrics: ["accuracy": 0.9], at: now)
        try await h.test { (client: APIClient) async throws in
            let page = try await client.get("/compare?runs=\(a)&runs=\(b)")
            #expect(page.status == 200)
            #expect(page.text.contains("<tr data-param=\"who\"><th>who</th><td>ann</td><td>bob</td></tr>"))
            #expect(page.text.contains("<td class=\"num best\">0.9 <span class=\"best-mark\" title=\"best\">★</span></td>"))
            #expect(try await client.get("/compare?runs=\(a)").status == 404)
            #expect(try await client.get("/compare?runs=\(a),nope").text.contains("There is no run"))

            // The runs table: the workflow's params and the headline metric as columns, a checkbox per run, filters.
            let table = try await client.get("/runs?workflow=hello&metric=accuracy&sort=metric")
            #expect(table.text.contains("<th class=\"param\">who</th>"))
            let first = try #require(table.text.firstMatch(of: /<tr data-run="([^"]+)"/)?.1)
            #expect(String(first) == b)
            #expect(table.text.contains("value=\"\(a)\" form=\"compare-form\""))
            let filtered = try await client.get("/runs?workflow=hello&p.who=ann")
            #expect(filtered.text.contains("data-run=\"\(a)\"") && !filtered.text.contains("data-run=\"\(b)\""))
            let ranged = try await client.get("/runs?workflow=hello&metric=accuracy&min=0.85")
            #expect(!ranged.text.contains("data-run=\"\(a)\"") && ranged.text.contains("data-run=\"\(b)\""))

            // The overview's step cache stat (what /api/health's cache holds).
            #expect(try await client.get("/").text.contains("stat-cache"))

            // /runs/latest opens the newest run's own page.
            let latest = try await client.get("/runs/latest")
            #expect(latest.status == 302 && latest.headers[.location] == "/runs/\(b)")

            // Run again: the run page links to the workflow's form, which the run's params fill.
            #expect(try await client.get("/runs/\(a)").text.contains("href=\"/workflows/hello?again=\(a)#run-section\""))
            let form = try await client.get("/workflows/hello?again=\(a)")
            #expect(form.text.contains("id=\"run-again-note\""))
            #expect(form.text.contains("data-param=\"who\" data-type=\"string\" value=\"ann\""))
            // The leaderboard: best accuracy first.
            let board = try #require(form.text.firstMatch(of: /<table id="leaderboard-table"[\s\S]*?<\/table>/)?.0)
            #expect(board.firstRange(of: b)!.lowerBound < board.firstRange(of: a)!.lowerBound)
        }
    }
}
