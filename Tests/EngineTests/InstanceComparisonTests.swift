import Engine
import FlowSpec
import Foundation
import Store
import TestSupport
import Testing

/// One matrix run's instances compared like runs (issue 16), on SQLite and PostgreSQL.
@Suite struct InstanceComparisonTests {
    /// `evaluate` under a matrix whose accuracy is the instance's metric and whose rmse is its
    /// accuracy too: the best accuracy (highest) and the best rmse (lowest) are different instances.
    static let sweep = """
        name: swept
        version: 1
        steps:
          prepare:
            uses: score
            with: { rows: 100 }
          evaluate:
            uses: score
            needs: [prepare]
            matrix: { acc: [0.7, 0.9, 0.8], window: [25] }
            with: { accuracy: "${{ matrix.acc }}", rmse: "${{ matrix.acc }}" }
        """

    @Test(arguments: TestDatabase.all) func theBestInstancePerMetricDirectionAndTheOrderByAMetric(database: TestDatabase) async throws {
        let h = try await ExperimentFixtures.harness(database)
        try h.write("swept", Self.sweep)
        let run = try await h.engine.submit(SubmitRequest(workflow: "swept", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .succeeded)

        let c = try await h.engine.compareInstances(of: run.id)
        #expect(c.instancesOf == run.id)
        // Only the instances with metrics, in the matrix's order; prepare (no matrix) is not a column.
        #expect(c.runs.count == 3)
        #expect(c.runs.allSatisfy { $0.id.hasPrefix("evaluate[") && $0.stepState == .succeeded && $0.durationSeconds != nil })
        // Params are the matrix values: acc differs, window is the same in all three.
        #expect(c.params.first { $0.name == "acc" }.map { $0.differs && $0.values == ["0.7", "0.9", "0.8"] } == true)
        #expect(c.params.first { $0.name == "window" }.map { !$0.differs && $0.values == ["25", "25", "25"] } == true)
        // Keys by matrix step, so each instance's value is on one row; higher accuracy, lower rmse best.
        #expect(c.metrics.map(\.key) == ["evaluate.accuracy", "evaluate.rmse"])
        #expect(c.metrics[0].values == [0.7, 0.9, 0.8] && c.metrics[0].best == [1])
        #expect(c.metrics[1].better == .lowerIsBetter && c.metrics[1].best == [0])

        // --metric orders best first by its direction.
        let byAccuracy = try await h.engine.compareInstances(of: "latest", metric: "accuracy")
        #expect(byAccuracy.runs.map(\.id) == [c.runs[1].id, c.runs[2].id, c.runs[0].id])
        #expect(byAccuracy.sortedBy == "accuracy" && byAccuracy.metrics[0].best == [0])
        #expect(
            try await h.engine.compareInstances(of: run.id, metric: "rmse").runs.map(\.id) == [c.runs[0].id, c.runs[2].id, c.runs[1].id])
        let unknown = try await #require(throws: InstanceComparisonError.self) {
            try await h.engine.compareInstances(of: run.id, metric: "acuracy")
        }
        #expect(unknown.field == "metric" && unknown.description.contains("no compared instance reported metric 'acuracy'"))
        #expect(unknown.description.contains("did you mean 'accuracy'"))

        // JSON: values by instance id, and the run they belong to.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(c), as: UTF8.self)
        #expect(json.contains(#""instancesOf":"\#(run.id)""#) || json.contains(#""instances_of":"\#(run.id)""#))
        #expect(json.contains(#""best":["\#(c.runs[1].id)"]"#))

        // A run without matrix instances is refused, saying so.
        let plain = try await ExperimentFixtures.run(h, ["accuracy": 0.5])
        let refused = try await #require(throws: InstanceComparisonError.self) { try await h.engine.compareInstances(of: plain) }
        #expect(refused.field == "id" && refused.description.contains("has no matrix instances"))
        let step = try await #require(throws: InstanceComparisonError.self) {
            try await h.engine.compareInstances(of: run.id, step: "prepare")
        }
        #expect(
            step.field == "step" && step.description.contains("no matrix step 'prepare' with metrics (matrix steps with metrics: evaluate)")
        )
    }
}
