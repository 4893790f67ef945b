import FlowSpec
import Foundation
import Store

/// What a worker needs to execute any step of a run, parsed once per run from the store's copy
/// of the workflow (never from the file on disk, which may have changed since submit).
struct RunPlan: Sendable {
    let workflow: Workflow
    let params: [String: Value]
    let inputs: [String: Value]
    /// Steps whose `with:`, `env:`, `run:` or `if:` mention `steps.` (only they need upstream outputs).
    let readsStepOutputs: Set<String>
    /// False for a run submitted with caching off: no step reuses a result.
    var cacheEnabled = true

    static func decode(_ json: String) -> Value? {
        Value(jsonText: json)
    }
}

/// Plans by run id, so a thousand steps of one run parse its YAML once.
actor RunPlanCache {
    private let engine: Engine
    private var plans: [String: RunPlan] = [:]

    init(engine: Engine) { self.engine = engine }

    func plan(runID: String) async throws -> RunPlan {
        if let plan = plans[runID] { return plan }
        guard let run = try await engine.store.run(id: runID) else { throw EngineError.runNotFound(runID) }
        let workflow = try engine.parseWorkflow(yaml: run.workflowYAML, file: "\(run.workflowName) (run \(runID))")
        let reads = Set(workflow.steps.filter { Self.mentionsSteps($0) }.map(\.id))
        let plan = RunPlan(
            workflow: workflow, params: RunPlan.decode(run.paramsJSON)?.mapValue ?? [:],
            inputs: RunPlan.decode(run.inputsJSON)?.mapValue ?? [:], readsStepOutputs: reads, cacheEnabled: run.cache)
        if plans.count > 256 { plans.removeAll() }
        plans[runID] = plan
        return plan
    }

    private static func mentionsSteps(_ spec: StepSpec) -> Bool {
        var texts = [Value.map(spec.with).jsonText, spec.condition ?? ""] + Array(spec.env.values)
        if case .run(let command) = spec.action {
            switch command {
            case .shell(let s): texts.append(s)
            case .argv(let a): texts += a
            }
        }
        return texts.contains { $0.contains("steps.") }
    }
}
