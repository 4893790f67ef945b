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
///
/// Once, also when they start together: a miss keeps the parse in flight (a task) for the calls
/// that arrive while it runs. Caching only finished plans, every step that started while the first
/// read of the run was awaited parsed the YAML again (the actor is reentrant at that `await`): a
/// fan-out's first 64 steps parsed it 64 times, half of a two-worker bench's time.
actor RunPlanCache {
    private let engine: Engine
    private var plans: [String: Task<RunPlan, any Error>] = [:]
    /// Runs read and parsed so far (a test counts them).
    private(set) var loads = 0

    init(engine: Engine) { self.engine = engine }

    func plan(runID: String) async throws -> RunPlan {
        if let plan = plans[runID] { return try await plan.value }
        let engine = self.engine
        let loading = Task { try await Self.load(runID: runID, engine: engine) }
        loads += 1
        if plans.count > 256 { plans.removeAll() }
        plans[runID] = loading
        do {
            return try await loading.value
        } catch {
            // Not kept: the next step tries again (the store may be back).
            if plans[runID] == loading { plans[runID] = nil }
            throw error
        }
    }

    private static func load(runID: String, engine: Engine) async throws -> RunPlan {
        guard let run = try await engine.store.run(id: runID) else { throw EngineError.runNotFound(runID) }
        let workflow = try engine.parseWorkflow(yaml: run.workflowYAML, file: "\(run.workflowName) (run \(runID))")
        let reads = Set(workflow.steps.filter { Self.mentionsSteps($0) }.map(\.id))
        return RunPlan(
            workflow: workflow, params: RunPlan.decode(run.paramsJSON)?.mapValue ?? [:],
            inputs: RunPlan.decode(run.inputsJSON)?.mapValue ?? [:], readsStepOutputs: reads, cacheEnabled: run.cache)
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
