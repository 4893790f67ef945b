import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import API

/// One matrix run's instances compared over HTTP (issue 16): `GET /api/runs/{id}/compare`, the
/// dashboard's `/compare?run=ID` with each instance's own plots, and the run page's link to it.
@Suite struct InstanceCompareTests {
    static let sweep = """
        name: swept
        version: 1
        steps:
          prepare:
            run: echo prep
          evaluate:
            run: echo "${{ matrix.model_type }}"
            needs: [prepare]
            matrix: { model_type: [logistic, forest, "a/b"], window: [50] }
        """

    /// A finished run of `swept` whose evaluate instances reported `accuracy` and `rmse` by model,
    /// completed through the store as a worker would, with an SVG per instance in its folder.
    static func sweptRun(
        _ h: APIHarness, _ scores: [String: (accuracy: Double, rmse: Double)]
    ) async throws -> (run: String, ids: [String: String]) {
        try sweep.write(to: h.root.appendingPathComponent("workflows/swept.yaml"), atomically: true, encoding: .utf8)
        let run = try await h.engine.submit(SubmitRequest(workflow: "swept", trigger: .api))
        let now = Date()
        var ids: [String: String] = [:]
        while true {
            let claimed = try await h.store.claimReadySteps(
                worker: "t", runID: run.id, limit: 10, now: now, leaseUntil: now.addingTimeInterval(60))
            if claimed.isEmpty { break }
            for step in claimed {
                var metrics: [String: Double] = [:]
                if let model = scores.keys.first(where: {
                    step.stepID.contains("model_type=" + $0.replacingOccurrences(of: "/", with: "%2F"))
                }), let score = scores[model] {
                    metrics = ["accuracy": score.accuracy, "rmse": score.rmse]
                    ids[model] = step.stepID
                    let folder = h.engine.layout.runs.appendingPathComponent(run.id).appendingPathComponent(step.stepID)
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    try "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".write(
                        to: folder.appendingPathComponent("roc_curve.svg"), atomically: true, encoding: .utf8)
                }
                let applied = try await h.store.completeStep(
                    StepCompletion(
                        key: StepAttemptKey(runID: run.id, stepID: step.stepID, attempt: step.attempt), worker: "t",
                        outcome: .succeeded(outputs: [:], metrics: metrics), now: now.addingTimeInterval(2)))
                #expect(applied)
            }
        }
        return (run.id, ids)
    }

    @Test func theAPIComparesOneMatrixRunsInstances() async throws {
        let h = try await APIHarness(token: "secret")
        let (run, ids) = try await Self.sweptRun(h, ["logistic": (0.8, 0.3), "forest": (0.9, 0.5), "a/b": (0.7, 0.4)])
        try await h.test { (client: APIClient) async throws in
            let auth: HTTPFields = [.authorization: "Bearer secret"]
            let compare = try await client.get("/api/runs/latest/compare?metric=accuracy", headers: auth)
            #expect(compare.status == 200, "\(compare.text)")
            #expect(compare.json["instances_of"] as? String == run)
            let columns = try #require(compare.json["runs"] as? [[String: Any]])
            #expect(columns.compactMap { $0["id"] as? String } == [ids["forest"], ids["logistic"], ids["a/b"]].compactMap { $0 })
            #expect(columns.allSatisfy { $0["step_state"] as? String == "succeeded" })
            let params = try #require(compare.json["params"] as? [[String: Any]])
            let model = try #require(params.first { $0["name"] as? String == "model_type" })
            #expect(model["differs"] as? Bool == true)
            // Matrix values percent-decoded back: a/b is a value, its id holds a%2Fb.
            #expect((model["values"] as? [String: String])?[ids["a/b"] ?? ""] == "a/b")
            #expect(params.first { $0["name"] as? String == "window" }?["differs"] as? Bool == false)
            let metrics = try #require(compare.json["metrics"] as? [[String: Any]])
            #expect(metrics.compactMap { $0["key"] as? String } == ["evaluate.accuracy", "evaluate.rmse"])
            #expect(metrics[0]["best"] as? [String] == [ids["forest"]].compactMap { $0 })
            #expect(metrics[1]["best"] as? [String] == [ids["logistic"]].compactMap { $0 })

            #expect(try await client.get("/api/runs/\(run)/compare?step=evaluat", headers: auth).errorField == "step")
            #expect(try await client.get("/api/runs/\(run)/compare?metric=acuracy", headers: auth).errorField == "metric")
            #expect(try await client.get("/api/runs/20001231/compare", headers: auth).status == 404)
            #expect(try await client.get("/api/runs/\(run)/compare").status == 401)
        }
    }

    @Test func theDashboardComparesInstancesWithTheirPlots() async throws {
        let h = try await APIHarness()
        let (run, ids) = try await Self.sweptRun(h, ["logistic": (0.8, 0.3), "forest": (0.9, 0.5), "a/b": (0.7, 0.4)])
        let forest = try #require(ids["forest"]), slashed = try #require(ids["a/b"])
        try await h.test { (client: APIClient) async throws in
            // The run page links its instances' comparison.
            #expect(
                try await client.get("/runs/\(run)").text.contains("id=\"compare-instances\" class=\"button\" href=\"/compare?run=\(run)\"")
            )

            let page = try await client.get("/compare?run=\(run)")
            #expect(page.status == 200)
            let text = page.text
            #expect(text.contains("<h1>Compare the instances of run \(run)</h1>"))
            #expect(text.contains("Matrix values that differ"))
            #expect(
                text.contains("<tr data-param=\"model_type\"><th>model_type</th><td>logistic</td><td>forest</td><td>a/b</td></tr>"),
                "\(text)")
            #expect(text.contains("<td class=\"num best\">0.9 <span class=\"best-mark\" title=\"best\">★</span></td>"))
            // Each instance's own ROC curve, its id percent-encoded in the artifact URL.
            let plot = "/api/runs/\(run)/artifacts/\(urlPart(forest))/roc_curve.svg"
            #expect(text.contains("src=\"\(plot)\""), "\(text)")
            #expect(text.contains("/api/runs/\(run)/artifacts/\(urlPart(slashed))/roc_curve.svg"))
            #expect(try await client.get(plot).status == 200)
            // Columns link to the instance's row on the run page; the order form keeps run=.
            #expect(text.contains("href=\"/runs/\(run)#step-\(urlPart(forest))\""))
            #expect(text.contains("<input type=\"hidden\" name=\"run\" value=\"\(run)\">"))
            let ordered = try await client.get("/compare?run=\(run)&metric=rmse")
            let first = try #require(ordered.text.firstMatch(of: /<th data-run="([^"]+)"/)?.1)
            #expect(String(first) == ids["logistic"])

            // A run without matrix instances: a not-found page saying why.
            try "name: plain\nversion: 1\nsteps:\n  a: { uses: noop }\n".write(
                to: h.root.appendingPathComponent("workflows/plain.yaml"),
                atomically: true, encoding: .utf8)
            let plain = try await h.engine.submit(SubmitRequest(workflow: "plain", trigger: .api))
            let refused = try await client.get("/compare?run=\(plain.id)")
            #expect(refused.status == 404 && refused.text.contains("has no matrix instances"))
            #expect(!(try await client.get("/runs/\(plain.id)").text.contains("compare-instances")))
        }
    }
}
