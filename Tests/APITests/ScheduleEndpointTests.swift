import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /api/schedules`, the group endpoints, the workflows page's schedules, the workflow page's
/// Backfill form and the group page, through the router `flowrun serve` serves.
@Suite struct ScheduleEndpointTests {
    static let nightly = """
        name: nightly
        version: 1
        triggers:
          schedule: { cron: "30 2 * * *", timezone: Europe/Berlin, overlap: skip }
        steps:
          a:
            uses: noop
        """

    @Test func schedulesAndGroups() async throws {
        let harness = try await APIHarness(token: "secret")
        try Self.nightly.write(
            to: harness.engine.workflowsDirectory.appendingPathComponent("nightly.yaml"), atomically: true, encoding: .utf8)
        for name in ["exam-a.csv", "exam-b.csv", "exam-c.csv"] {
            _ = try await harness.engine.registerDataset(path: try harness.writeDataset(name, "exam_id,t,value\n\(name),0,1\n").path)
        }
        try await harness.test { (client: APIClient) async throws in
            let auth: HTTPFields = [.authorization: "Bearer secret"]
            let schedules = try await client.get("/api/schedules", headers: auth)
            #expect(schedules.status == 200)
            let list = try #require(schedules.json["schedules"] as? [[String: Any]])
            #expect(list.count == 1)
            #expect(list.first?["workflow"] as? String == "nightly")
            #expect(list.first?["cron"] as? String == "30 2 * * *")
            #expect(list.first?["overlap"] as? String == "skip")
            #expect(list.first?["catchup"] as? String == "last")
            #expect((list.first?["next_tick"] as? String)?.hasSuffix(":30:00.000Z") == true, "\(list)")
            #expect(try await client.get("/api/schedules").status == 401)

            let created = try await client.call(
                .post, "/api/groups",
                json: #"{"workflow": "with-dataset", "datasets": "exam-*", "max_parallel": 2, "params": {"model_type": "random_forest"}}"#,
                headers: auth)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["total"] as? Int == 3)
            #expect((created.json["runs"] as? [Any])?.count == 2)
            #expect((created.json["counts"] as? [String: Int])?["waiting"] == 1)

            let paused = try await client.call(.post, "/api/groups/\(id)/pause", headers: auth)
            #expect(paused.status == 200 && paused.json["state"] as? String == "paused")
            let resumed = try await client.call(.post, "/api/groups/\(id)/resume", headers: auth)
            #expect(resumed.json["state"] as? String == "active")
            let canceled = try await client.call(.post, "/api/groups/\(id)/cancel", headers: auth)
            #expect(canceled.json["state"] as? String == "canceled")
            #expect((canceled.json["runs"] as? [[String: Any]])?.allSatisfy { $0["state"] as? String == "canceled" } == true)
            let again = try await client.call(.post, "/api/groups/\(id)/resume", headers: auth)
            #expect(again.status == 409)
            let got = try await client.get("/api/groups/\(id)", headers: auth)
            #expect(got.status == 200 && got.json["id"] as? String == id)
            // The list: newest first, filtered by workflow and state, without the runs.
            let listed = try await client.get("/api/groups?workflow=with-dataset&state=canceled&limit=5", headers: auth)
            #expect(listed.status == 200, "\(listed.text)")
            let groups = try #require(listed.json["groups"] as? [[String: Any]])
            #expect(groups.map { $0["id"] as? String } == [id])
            #expect(groups.first?["released"] as? Int == 2 && groups.first?["runs"] == nil)
            #expect((try await client.get("/api/groups?state=active", headers: auth).json["groups"] as? [Any])?.isEmpty == true)
            #expect((try await client.get("/api/groups?workflow=nope", headers: auth).json["groups"] as? [Any])?.isEmpty == true)
            #expect(try await client.get("/api/groups?state=done", headers: auth).status == 400)
            #expect(try await client.get("/api/groups?limit=0", headers: auth).status == 400)
            #expect(try await client.get("/api/groups").status == 401)
            let missing = try await client.get("/api/groups/grp-nope", headers: auth)
            #expect(missing.status == 404 && missing.errorCode == "group_not_found")
            let none = try await client.call(
                .post, "/api/groups", json: #"{"workflow": "with-dataset", "datasets": "nothing-*"}"#, headers: auth)
            #expect(none.status == 400 && none.errorCode == "no_datasets_match")

            // The pages.
            let workflows = try await client.get("/workflows", headers: auth)
            #expect(workflows.status == 200)
            #expect(workflows.text.contains("id=\"schedules-table\"") && workflows.text.contains("data-schedule=\"nightly\""))
            // Every backfill group is listed there, linking to its page.
            #expect(workflows.text.contains("id=\"groups-table\"") && workflows.text.contains("<tr data-group=\"\(id)\">"))
            #expect(workflows.text.contains("href=\"/groups/\(id)\""))
            let form = try await client.get("/workflows/with-dataset", headers: auth)
            #expect(form.text.contains("id=\"backfill-form\""))
            #expect(!(try await client.get("/workflows/hello", headers: auth)).text.contains("id=\"backfill-form\""))
            let page = try await client.get("/groups/\(id)", headers: auth)
            #expect(page.status == 200)
            #expect(page.text.contains("data-count=\"canceled\""), "\(page.text)")
            #expect(!page.text.contains("data-group-action=\"cancel\""))
            #expect(try await client.get("/groups/grp-nope", headers: auth).status == 404)
        }
    }
}
