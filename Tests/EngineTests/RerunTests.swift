import Engine
import FlowSpec
import Foundation
import Store
import TestSupport
import Testing

/// `runs rerun`: a new run from an earlier one's params, inputs and workflow; with caching only what
/// changed executes.
@Suite struct RerunTests {
    @Test(arguments: TestDatabase.all) func aRerunKeepsParamsAndInputsAndRunsOnlyWhatChanged(database: TestDatabase) async throws {
        let h = try await StepCacheTests.harness(database)
        let first = try await StepCacheTests.submit(h, params: ["window": 25])
        let rerun = try await h.engine.rerun(RerunRequest(runID: first.id, params: ["model": "b"], trigger: .cli))
        #expect(rerun.id != first.id)
        #expect(try await h.runToEnd(rerun.id).state == .succeeded)
        #expect(Value(jsonText: rerun.paramsJSON) == Value(jsonText: #"{"model":"b","window":25}"#))
        #expect(rerun.inputsJSON == first.inputsJSON)
        #expect(rerun.datasetID == first.datasetID)
        let steps = try await h.steps(rerun.id)
        #expect(steps["prep"]?.state == .cached)
        #expect(steps["fit"]?.state == .succeeded)
        // The earlier run is untouched: a rerun is not a retry.
        #expect(try await h.steps(first.id).values.allSatisfy { $0.state == .succeeded })
    }

    @Test(arguments: TestDatabase.all) func theStoredWorkflowUnlessTheCurrentOneIsAskedFor(database: TestDatabase) async throws {
        let h = try await StepCacheTests.harness(database)
        let first = try await StepCacheTests.submit(h)
        // The file changes after the run: fit's tag gains a suffix, a param is gone.
        try h.write(
            "pipe",
            StepCacheTests.pipeline
                .replacingOccurrences(of: "tag: \"${{ params.model }}\"", with: "tag: \"${{ params.model }}-v2\"")
                .replacingOccurrences(of: "  window: { type: number, default: 50 }\n", with: "")
                .replacingOccurrences(of: "w${{ params.window }}", with: "w50"))
        let stored = try await h.engine.rerun(RerunRequest(runID: first.id, trigger: .cli))
        #expect(try await h.runToEnd(stored.id).state == .succeeded)
        #expect(stored.workflowYAML == first.workflowYAML)
        #expect(try await h.steps(stored.id).values.allSatisfy { $0.state == .cached })

        let current = try await h.engine.rerun(RerunRequest(runID: first.id, currentWorkflow: true, trigger: .cli))
        #expect(try await h.runToEnd(current.id).state == .succeeded)
        #expect(current.workflowYAML != first.workflowYAML)
        #expect(Value(jsonText: current.paramsJSON) == Value(jsonText: #"{"model":"a"}"#))
        let steps = try await h.steps(current.id)
        #expect(steps["prep"]?.state == .cached)
        #expect(steps["fit"]?.state == .succeeded)

        await #expect(throws: EngineError.runNotFound("nope")) {
            _ = try await h.engine.rerun(RerunRequest(runID: "nope", trigger: .cli))
        }
        await #expect(throws: EngineError.self) {
            _ = try await h.engine.rerun(RerunRequest(runID: first.id, params: ["nope": 1], trigger: .cli))
        }
    }
}
