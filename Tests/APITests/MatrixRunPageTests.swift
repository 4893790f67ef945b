import Foundation
import Hummingbird
import Store
import Testing

@testable import API

/// A matrix run's page: the graph and the Gantt show each matrix step once, with a `<details>` per
/// step listing its instances (open when few), and an instance's log and artifacts are reached by
/// its id, brackets and all, percent-encoded in the URL.
@Suite struct MatrixRunPageTests {
    static let sweep = """
        name: page-sweep
        version: 1
        steps:
          fit:
            run: mkdir -p out && echo "${{ matrix.n }}" > out/n.txt
            matrix: { n: [1, 2, 3, 4, 5] }
          score:
            uses: noop
            needs: [fit]
            with: { n: "${{ matrix.n }}" }
          pick:
            uses: noop
            needs: [score]
            gather: true
        """

    @Test func instancesAreGroupedUnderTheirStep() async throws {
        let harness = try await APIHarness()
        try Self.sweep.write(to: harness.root.appendingPathComponent("workflows/page-sweep.yaml"), atomically: true, encoding: .utf8)
        try await harness.test { (client: APIClient) async throws in
            let created = try await client.post("/api/runs", json: #"{"workflow": "page-sweep", "trigger": "ui"}"#)
            let id = try #require(created.json["id"] as? String)
            #expect(try await harness.runToEnd(id).state == .succeeded)
            let page = try await client.get("/runs/\(id)")
            #expect(page.status == 200)
            let text = page.text
            // One node per matrix step, edges between the steps, not between 5 × 5 instances.
            #expect(text.contains("data-step=\"fit\" data-state=\"succeeded\""))
            #expect(text.contains("data-from=\"fit\" data-to=\"score\"") && text.contains("data-from=\"score\" data-to=\"pick\""))
            #expect(!text.contains("class=\"dag-node state-succeeded\" data-step=\"fit[n=1]\""))
            #expect(text.contains("5/5 done"))
            // A closed <details> per step (5 > 4 instances), each instance linked to its row.
            #expect(text.contains("<details class=\"matrix-group\" data-group=\"fit\"><summary>fit: 5 instances, 5/5 done</summary>"))
            #expect(text.contains("<a href=\"#step-fit[n=3]\">fit[n=3]</a>"))
            #expect(text.contains("id=\"timeline\"") && text.contains("id=\"timeline-fit\""))
            #expect(text.contains(">fit ×5</text>"))
            #expect(!text.contains("<script>"))

            // An instance's artifacts and log by its id, encoded.
            let file = try await client.get("/api/runs/\(id)/artifacts/\(urlPart("fit[n=3]"))/out/n.txt")
            #expect(file.status == 200)
            #expect(file.text == "3\n")
            let log = try await client.get("/api/runs/\(id)/logs?step=\(urlPart("fit[n=3]"))")
            #expect(log.status == 200, "\(log.text)")
        }
    }

    @Test func aRunWithoutMatrixKeepsItsCharts() {
        let graph = DAGGraph(nodes: [.init(id: "a", needs: [], state: "succeeded", detail: "")])
        #expect(MatrixGroups.graphHTML(graph) == graph.svg())
        #expect(MatrixGroups.group(of: "train[model_type=logistic]") == "train")
        #expect(MatrixGroups.group(of: "[x]") == nil)
        #expect(MatrixGroups.aggregate(["succeeded", "cached", "running"]) == "running")
        #expect(MatrixGroups.tally(["succeeded", "failed", "running", "pending"]) == "1/4 done · 1 running · 1 failed")
    }

    /// The workflow page's graph (no run) groups a matrix step too: what it does, times its instances.
    @Test func theWorkflowGraphGroupsInstances() {
        let graph = DAGGraph(nodes: [
            .init(id: "prep", needs: [], state: "none", detail: "preprocess"),
            .init(id: "fit[n=1]", needs: ["prep"], state: "none", detail: "train"),
            .init(id: "fit[n=2]", needs: ["prep"], state: "none", detail: "train"),
        ])
        let out = MatrixGroups.graphHTML(graph)
        #expect(out.contains("data-step=\"fit\" data-state=\"none\""))
        #expect(out.contains("data-from=\"prep\" data-to=\"fit\""))
        #expect(out.contains("train ×2"))
        #expect(out.contains("<summary>fit: 2 instances</summary><ul><li data-step=\"fit[n=1]\">fit[n=1]</li>"))
    }
}
