import Engine
import Foundation
import Store
import Testing

@testable import API

@Suite struct RunEndpointTests {
    func submit(_ client: APIClient, _ json: String) async throws -> String {
        let response = try await client.post("/api/runs", json: json)
        #expect(response.status == 201, "\(response.text)")
        return try #require(response.json["id"] as? String)
    }

    @Test func submitRunAndReadItsDetailLogsArtifactsAndEvents() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let id = try await submit(client, #"{"workflow": "hello", "params": {"who": "api"}}"#)
            let queued = try await client.get("/api/runs/\(id)")
            #expect(queued.json["state"] as? String == "queued")
            #expect(queued.json["trigger"] as? String == "api")

            let run = try await harness.runToEnd(id)
            #expect(run.state == .succeeded)

            let detail = try await client.get("/api/runs/\(id)")
            #expect(detail.status == 200)
            #expect(detail.json["state"] as? String == "succeeded")
            #expect((detail.json["params"] as? [String: Any])?["who"] as? String == "api")
            let steps = try #require(detail.json["steps"] as? [[String: Any]])
            #expect(steps.map { $0["id"] as? String } == ["greet", "done"])
            let greet = steps[0]
            #expect((greet["outputs"] as? [String: Any])?["msg"] as? String == "hi api")
            #expect((greet["attempts"] as? [[String: Any]])?.count == 1)
            let artifacts = try #require(greet["artifacts"] as? [[String: Any]])
            #expect(artifacts.map { $0["path"] as? String } == ["greet/out/plot.svg"])

            let plot = try await client.get("/api/runs/\(id)/artifacts/greet/out/plot.svg")
            #expect(plot.status == 200)
            #expect(plot.text == "<svg/>\n")
            #expect(plot.headers[.contentType] == "image/svg+xml")
            #expect(plot.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)

            let logs = try await client.get("/api/runs/\(id)/logs?step=greet&lines=2")
            #expect(logs.status == 200)
            let lines = try #require(logs.json["lines"] as? [String])
            #expect(lines.count == 2)
            #expect(logs.json["truncated"] as? Bool == true)
            let all = try await client.get("/api/runs/\(id)/logs?step=greet&attempt=1")
            #expect((all.json["lines"] as? [String])?.contains { $0.hasSuffix("hello api") } == true)
            let runLog = try await client.get("/api/runs/\(id)/logs")
            #expect((runLog.json["lines"] as? [String])?.isEmpty == false)

            // The run has finished, so the stream sends its history and ends.
            let events = try await client.get("/api/runs/\(id)/events")
            #expect(events.status == 200)
            #expect(events.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            #expect(events.text.contains("event: step_state"))
            #expect(events.text.contains("event: end\ndata: {\"run_id\":\"\(id)\",\"state\":\"succeeded\"}"))
            // Resuming after the last id sends no old event again.
            let lastID = events.text.components(separatedBy: "\nid: ").count
            let resumed = try await client.get("/api/runs/\(id)/events", headers: [.init("Last-Event-ID")!: "\(lastID + 1000)"])
            #expect(!resumed.text.contains("event: step_state"))
            #expect(resumed.text.contains("event: end"))
        }
    }

    @Test func eventsStreamLiveWhileTheRunProgresses() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let id = try await submit(client, #"{"workflow": "hello"}"#)
            let worker = Task { try await harness.runToEnd(id) }
            let events = try await client.get("/api/runs/\(id)/events")
            _ = try await worker.value
            let kinds = events.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }
            #expect(kinds.first == "event: run_state")
            #expect(kinds.last == "event: end")
            #expect(events.text.contains("running → succeeded"))
        }
    }

    @Test func listRunsFiltersAndPaginatesNewestFirst() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            var ids: [String] = []
            for index in 0..<5 {
                ids.append(try await submit(client, #"{"workflow": "\#(index == 4 ? "failing" : "hello")"}"#))
            }
            let failingID = ids[4]
            _ = try await harness.runToEnd(failingID)

            let first = try await client.get("/api/runs?limit=2")
            let page1 = try #require(first.json["runs"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(page1.count == 2)
            let cursor = try #require(first.json["next_before"] as? String)
            #expect(cursor == page1.last)
            let second = try await client.get("/api/runs?limit=2&before=\(cursor)")
            let page2 = try #require(second.json["runs"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            let third = try await client.get("/api/runs?limit=2&before=\(try #require(second.json["next_before"] as? String))")
            let page3 = try #require(third.json["runs"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(third.json["next_before"] == nil)
            #expect(Set(page1 + page2 + page3) == Set(ids))
            #expect((page1 + page2 + page3).count == 5)

            let failed = try await client.get("/api/runs?state=failed")
            #expect((failed.json["runs"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [failingID])
            let hello = try await client.get("/api/runs?workflow=hello&limit=50")
            #expect((hello.json["runs"] as? [[String: Any]])?.count == 4)

            let badState = try await client.get("/api/runs?state=sleeping")
            #expect(badState.status == 400)
            #expect(badState.errorField == "state")
            let badLimit = try await client.get("/api/runs?limit=0")
            #expect(badLimit.errorField == "limit")
            let badCursor = try await client.get("/api/runs?before=nope")
            #expect(badCursor.status == 400)
            #expect(badCursor.errorField == "before")
        }
    }

    @Test func cancelRetryAndTheirConflicts() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let id = try await submit(client, #"{"workflow": "hello"}"#)
            let canceled = try await client.post("/api/runs/\(id)/cancel")
            #expect(canceled.status == 200)
            #expect(canceled.json["state"] as? String == "canceled")
            let again = try await client.post("/api/runs/\(id)/cancel")
            #expect(again.status == 409)
            #expect(again.errorCode == "conflict")

            let retried = try await client.post("/api/runs/\(id)/retry")
            #expect(retried.status == 200)
            #expect(retried.json["state"] as? String != "canceled")
            let done = try await harness.runToEnd(id)
            #expect(done.state == .succeeded)
            let retryDone = try await client.post("/api/runs/\(id)/retry")
            #expect(retryDone.status == 409)

            #expect(try await client.post("/api/runs/nope/cancel").status == 404)
            #expect(try await client.post("/api/runs/nope/retry").status == 404)
            #expect(try await client.get("/api/runs/nope").errorCode == "run_not_found")
            #expect(try await client.get("/api/runs/nope/logs").status == 404)
            #expect(try await client.get("/api/runs/nope/events").status == 404)
        }
    }

    @Test func submitValidatesTheBodyAndNamesTheField() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let missing = try await client.post("/api/runs", json: #"{"params": {}}"#)
            #expect(missing.status == 400)
            #expect(missing.errorField == "workflow")
            let wrongType = try await client.post("/api/runs", json: #"{"workflow": 7}"#)
            #expect(wrongType.errorField == "workflow")
            let notJSON = try await client.post("/api/runs", json: "{nope")
            #expect(notJSON.status == 400)
            #expect(notJSON.errorCode == "invalid_json")
            let unknownWorkflow = try await client.post("/api/runs", json: #"{"workflow": "nope"}"#)
            #expect(unknownWorkflow.status == 404)
            #expect(unknownWorkflow.errorCode == "workflow_not_found")
            let badParam = try await client.post("/api/runs", json: #"{"workflow": "hello", "params": {"whom": "x"}}"#)
            #expect(badParam.status == 400)
            #expect(badParam.errorField == "params.whom")
            let invalid = try await client.post("/api/runs", json: #"{"workflow": "broken"}"#)
            #expect(invalid.status == 400)
            #expect(invalid.errorCode == "invalid_workflow")
            let badTrigger = try await client.post("/api/runs", json: #"{"workflow": "hello", "trigger": "cron"}"#)
            #expect(badTrigger.errorField == "trigger")
            let noDataset = try await client.post("/api/runs", json: #"{"workflow": "with-dataset"}"#)
            #expect(noDataset.status == 400)
            #expect(noDataset.errorField == "dataset_id")
            let unknownDataset = try await client.post("/api/runs", json: #"{"workflow": "with-dataset", "dataset_id": "ds-nope"}"#)
            #expect(unknownDataset.status == 404)
            #expect(unknownDataset.errorField == "dataset_id")
            let outside = try await client.post("/api/runs", json: #"{"workflow": "with-dataset", "dataset_path": "/etc/hostname"}"#)
            #expect(outside.status == 400)
            #expect(outside.errorCode == "path_not_allowed")
            // Nothing refused was written.
            #expect(try await harness.store.runs(RunQuery()).isEmpty)
        }
    }

    @Test func modelTypeShorthandDatasetPathAndUITrigger() async throws {
        let harness = try await APIHarness()
        _ = try harness.writeDataset()
        try await harness.test { (client: APIClient) async throws in
            let response = try await client.post(
                "/api/runs",
                json: #"{"workflow": "with-dataset", "dataset_path": "inbound/exams.csv", "model_type": "random_forest", "trigger": "ui"}"#)
            #expect(response.status == 201, "\(response.text)")
            #expect(response.json["trigger"] as? String == "ui")
            #expect(response.headers[.location] == "/api/runs/\(response.json["id"] as? String ?? "")")
            let id = try #require(response.json["id"] as? String)
            let detail = try await client.get("/api/runs/\(id)")
            #expect((detail.json["params"] as? [String: Any])?["model_type"] as? String == "random_forest")
            #expect((detail.json["dataset_id"] as? String)?.hasPrefix("ds-") == true)
            let badEnum = try await client.post(
                "/api/runs", json: #"{"workflow": "with-dataset", "dataset_path": "inbound/exams.csv", "model_type": "svm"}"#)
            #expect(badEnum.status == 400)
            #expect(badEnum.errorField == "params.model_type")
        }
    }

    @Test func compareMetricsOfSeveralRuns() async throws {
        let harness = try await APIHarness()
        let store = harness.store
        try await harness.test { (client: APIClient) async throws in
            let a = try await submit(client, #"{"workflow": "hello"}"#)
            let b = try await submit(client, #"{"workflow": "hello", "params": {"who": "b"}}"#)
            // Metrics written as a step would: through completion.
            for (id, f1) in [(a, 0.8), (b, 0.9)] {
                let claimed = try await store.claimReadySteps(
                    worker: "w", runID: id, limit: 1, now: Date(), leaseUntil: Date().addingTimeInterval(60))
                let step = try #require(claimed.first)
                _ = try await store.completeSteps([
                    StepCompletion(
                        key: StepAttemptKey(runID: id, stepID: step.stepID, attempt: step.attempt), worker: "w",
                        outcome: .succeeded(outputs: [:], metrics: ["f1": f1]), now: Date())
                ])
            }
            let compare = try await client.get("/api/metrics/compare?runs=\(a),\(b)")
            #expect(compare.status == 200)
            #expect(compare.json["metrics"] as? [String] == ["greet.f1"])
            let runs = try #require(compare.json["runs"] as? [[String: Any]])
            #expect(runs.map { ($0["metrics"] as? [String: Any])?["greet.f1"] as? Double } == [0.8, 0.9])
            #expect(try await client.get("/api/metrics/compare").errorField == "runs")
            let missing = try await client.get("/api/metrics/compare?runs=\(a),nope")
            #expect(missing.status == 404)
        }
    }
}
