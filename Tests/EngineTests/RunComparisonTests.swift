import Engine
import FlowSpec
import Foundation
import Store
import TestSupport
import Testing

/// Comparing runs, leaderboards and the runs table's store query, on SQLite and PostgreSQL.
@Suite struct RunComparisonTests {
    @Test(arguments: TestDatabase.all) func paramsThatDifferMetricsWithTheBestAndTheOrderByAMetric(database: TestDatabase) async throws {
        let h = try await ExperimentFixtures.harness(database)
        let forest = try await ExperimentFixtures.run(h, ["model_type": "forest", "accuracy": 0.91, "rmse": 0.4])
        let ridge = try await ExperimentFixtures.run(h, ["model_type": "ridge", "accuracy": 0.85, "rmse": 0.3])
        let lasso = try await ExperimentFixtures.run(h, ["model_type": "lasso", "accuracy": 0.91, "rmse": 0.5])

        let c = try await h.engine.compareRuns([forest, "latest~1", String(lasso.prefix(lasso.count - 2))])
        #expect(c.runs.map(\.id) == [forest, ridge, lasso])
        #expect(c.sortedBy == nil)
        // Only model_type and the two scores differ; window is the same in all three.
        #expect(c.params.filter(\.differs).map(\.name) == ["accuracy", "model_type", "rmse"])
        #expect(c.params.first { $0.name == "model_type" }?.values == ["forest", "ridge", "lasso"])
        #expect(c.params.first { $0.name == "window" }.map { !$0.differs && $0.values == ["50", "50", "50"] } == true)

        // Model metrics first, accuracy leading; higher accuracy is best (a tie marks both), lower rmse.
        #expect(c.metrics.map(\.key) == ["evaluate.accuracy", "evaluate.rmse", "prepare.rows"])
        let accuracy = try #require(c.metrics.first { $0.key == "evaluate.accuracy" })
        #expect(accuracy.better == .higherIsBetter && accuracy.group == "model")
        #expect(accuracy.best == [0, 2])
        #expect(c.metrics.first { $0.key == "evaluate.rmse" }?.best == [1])
        let rows = try #require(c.metrics.first { $0.key == "prepare.rows" })
        #expect(rows.group == "data" && rows.better == nil && rows.best.isEmpty)
        #expect(c.runs.allSatisfy { $0.durationSeconds != nil })

        // --metric rmse: lower first. A tie keeps the given order.
        #expect(try await h.engine.compareRuns([forest, ridge, lasso], metric: "rmse").runs.map(\.id) == [ridge, forest, lasso])
        #expect(
            try await h.engine.compareRuns([ridge, lasso, forest], metric: "evaluate.accuracy").runs.map(\.id) == [lasso, forest, ridge])
        let unknown = try await #require(throws: RunReferenceError.self) {
            try await h.engine.compareRuns([forest, ridge], metric: "acuracy")
        }
        #expect(unknown.description.contains("did you mean 'accuracy'"))

        // JSON: values by run id, best as ids.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(try await h.engine.compareRuns([forest, ridge])), as: UTF8.self)
        #expect(json.contains(#""best":["\#(forest)"]"#))
        #expect(json.contains(#""values":{"\#(forest)":"forest","\#(ridge)":"ridge"}"#))
    }

    @Test(arguments: TestDatabase.all) func aLeaderboardRanksEachRunOnceByItsDirection(database: TestDatabase) async throws {
        let h = try await ExperimentFixtures.harness(database)
        let a = try await ExperimentFixtures.run(h, ["accuracy": 0.7, "rmse": 0.2])
        let b = try await ExperimentFixtures.run(h, ["accuracy": 0.9, "rmse": 0.6])
        let c = try await ExperimentFixtures.run(h, ["accuracy": 0.8, "rmse": 0.4])
        // A failed run is not on the board.
        h.clock.advance(by: .seconds(1))
        let failing = try await h.engine.submit(SubmitRequest(workflow: "scored", params: ["accuracy": 0.99], trigger: .cli))
        try await h.engine.cancel(runID: failing.id)

        #expect(try await h.engine.leaderboard(workflow: "scored", metric: "accuracy", limit: 10).map(\.run.id) == [b, c, a])
        #expect(try await h.engine.leaderboard(workflow: "scored", metric: "accuracy", limit: 2).map(\.value) == [0.9, 0.8])
        #expect(try await h.engine.leaderboard(workflow: "scored", metric: "rmse", limit: 10).map(\.run.id) == [a, c, b])
        #expect(try await h.engine.leaderboard(workflow: "other", metric: "accuracy", limit: 10).isEmpty)
        let top = try #require(try await h.engine.leaderboard(workflow: "scored", metric: "accuracy", limit: 1).first)
        #expect(Value(jsonText: top.paramsJSON)?["accuracy"] == .number(0.9))
    }

    @Test(arguments: TestDatabase.all) func theRunsTableFiltersSortsAndPagesInTheStore(database: TestDatabase) async throws {
        let h = try await ExperimentFixtures.harness(database)
        var ids: [String] = []
        for (i, model) in ["ridge", "forest", "ridge", "forest", "ridge"].enumerated() {
            ids.append(
                try await ExperimentFixtures.run(
                    h,
                    [
                        "model_type": .string(model), "window": .number(Double(25 * (i % 2 + 1))),
                        "accuracy": .number(0.5 + Double(i) / 10),
                    ]))
        }
        h.clock.advance(by: .seconds(1))
        _ = try await h.engine.submit(SubmitRequest(workflow: "other", trigger: .cli))

        let all = try await h.engine.runTable(RunTableQuery(workflow: "scored", metric: "accuracy"))
        #expect(all.rows.map(\.run.id) == ids.reversed())
        #expect(all.rows.first?.metric == 0.9)
        #expect(!all.hasMore)

        let ridge = try await h.engine.runTable(
            RunTableQuery(workflow: "scored", params: ["model_type": "ridge"], metric: "accuracy", sort: .metricBest))
        #expect(ridge.rows.map(\.run.id) == [ids[4], ids[2], ids[0]])
        // A number param compares as its text; with the metric's range.
        let window = try await h.engine.runTable(
            RunTableQuery(workflow: "scored", params: ["window": "50"], metric: "accuracy", metricMin: 0.65))
        #expect(window.rows.map(\.run.id) == [ids[3]])
        let worst = try await h.engine.runTable(RunTableQuery(workflow: "scored", metric: "accuracy", sort: .metricWorst, limit: 2))
        #expect(worst.rows.map(\.run.id) == [ids[0], ids[1]])
        #expect(worst.hasMore)
        let second = try await h.engine.runTable(
            RunTableQuery(workflow: "scored", metric: "accuracy", sort: .metricWorst, offset: 2, limit: 2))
        #expect(second.rows.map(\.run.id) == [ids[2], ids[3]])

        // Dates: created from the third run on, before the fifth.
        let runs = try await h.engine.runs(RunQuery(workflow: "scored", limit: 10))
        let created = Dictionary(uniqueKeysWithValues: runs.map { ($0.id, $0.createdAt) })
        let range = try await h.engine.runTable(RunTableQuery(workflow: "scored", from: created[ids[2]], to: created[ids[4]]))
        #expect(range.rows.map(\.run.id) == [ids[3], ids[2]])
        // Every workflow, without a metric: the other run too, its metric empty.
        let everything = try await h.engine.runTable(RunTableQuery(metric: "accuracy"))
        #expect(everything.rows.count == 6 && everything.rows.first?.metric == nil)
    }
}
