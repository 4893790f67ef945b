import Engine
import FlowSpec
import Foundation
import Steps
import TestSupport

/// Reports every number of its `with:` as a metric: runs whose metrics a test chooses.
struct ScoreStep: Step {
    static let name = "score"
    static let cachesByDefault = false

    func run(_ context: StepContext) async throws -> StepResult {
        StepResult(metrics: context.parameters.values.compactMapValues(\.numberValue))
    }
}

/// A workflow `scored` whose `model_type`/`window` params go into an `evaluate` step's metrics
/// (accuracy, rmse) and a `prepare` step's counter (rows).
enum ExperimentFixtures {
    static let workflow = """
        name: scored
        version: 1
        params:
          model_type: { type: string, default: ridge }
          window: { type: number, default: 50 }
          accuracy: { type: number, default: 0.5 }
          rmse: { type: number, default: 1 }
        steps:
          prepare:
            uses: score
            with: { rows: 100 }
          evaluate:
            uses: score
            needs: [prepare]
            with: { accuracy: "${{ params.accuracy }}", rmse: "${{ params.rmse }}" }
        """

    static func harness(_ database: TestDatabase) async throws -> Harness {
        let h = try await Harness(database: database) { registry, _ in registry.register(ScoreStep()) }
        try h.write("scored", workflow)
        try h.write("other", "name: other\nversion: 1\nsteps:\n  a: { uses: noop }\n")
        return h
    }

    /// Submits and finishes a run of `scored`, a second of the manual clock after the previous one.
    @discardableResult
    static func run(_ h: Harness, _ params: [String: Value], advance: Bool = true) async throws -> String {
        if advance { h.clock.advance(by: .seconds(1)) }
        let run = try await h.engine.submit(SubmitRequest(workflow: "scored", params: params, trigger: .cli))
        let finished = try await h.runToEnd(run.id)
        precondition(finished.state == .succeeded, "run \(run.id): \(finished.state)")
        return run.id
    }
}
