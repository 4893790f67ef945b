import FlowSpec
import Foundation
import Store

/// What ``Engine/rerun(_:)`` is asked: a new run made from an earlier one.
public struct RerunRequest: Sendable {
    /// The run to start again from.
    public var runID: String
    /// Params that change; the rest are the earlier run's.
    public var params: [String: Value]
    /// True: the workflow file as it is now (by the run's workflow name); false: the exact YAML the
    /// earlier run was planned from.
    public var currentWorkflow: Bool
    public var trigger: Trigger
    /// False: no step reuses a cached result.
    public var cache: Bool

    public init(runID: String, params: [String: Value] = [:], currentWorkflow: Bool = false, trigger: Trigger, cache: Bool = true) {
        self.runID = runID
        self.params = params
        self.currentWorkflow = currentWorkflow
        self.trigger = trigger
        self.cache = cache
    }
}

extension Engine {
    /// The workflow a rerun of `run` uses: its stored YAML, or the file as it is now.
    public func rerunWorkflow(of run: RunRecord, current: Bool) throws -> Workflow {
        current ? try loadWorkflow(run.workflowName)
            : try parseWorkflow(yaml: run.workflowYAML, file: "\(run.workflowName) (run \(run.id))")
    }

    /// Makes a NEW run with an earlier run's params (some changed), inputs and dataset — unlike
    /// ``retry(runID:)``, which finishes the same run. With caching, only the steps whose inputs
    /// changed execute. Params the current workflow no longer declares are dropped; new ones take
    /// their defaults.
    public func rerun(_ request: RerunRequest) async throws -> RunRecord {
        guard let earlier = try await store.run(id: request.runID) else { throw EngineError.runNotFound(request.runID) }
        let workflow = try rerunWorkflow(of: earlier, current: request.currentWorkflow)
        var given = Value(jsonText: earlier.paramsJSON)?.mapValue ?? [:]
        given = given.filter { name, _ in workflow.params.contains { $0.name == name } }
        given.merge(request.params) { $1 }
        let params: [String: Value]
        do { params = try workflow.resolveParams(given) } catch { throw EngineError.badParam("\(error)") }
        let inputs = Value(jsonText: earlier.inputsJSON)?.mapValue ?? [:]
        for input in workflow.inputs where input.required && inputs[input.name] == nil {
            throw EngineError.missingInput(input.name)
        }
        let now = clock.now()
        let run = RunRecord(
            id: RunID.make(at: now), workflowName: workflow.name, workflowYAML: workflow.sourceText,
            workflowHash: ContentHash.sha256(of: workflow.sourceText), paramsJSON: Value.map(params).jsonText,
            inputsJSON: Value.map(inputs).jsonText, datasetID: earlier.datasetID, trigger: request.trigger, createdAt: now,
            cache: request.cache)
        // The same rows submit writes (Engine.submit): the run and its steps in one transaction.
        let steps = workflow.topologicalOrder().enumerated().map { position, step in
            NewStepRun(stepID: step.id, position: position, needs: step.needs, maxAttempts: step.retry.maxAttempts)
        }
        try await store.createRun(run, steps: steps)
        try? await store.appendEvent(runID: run.id, stepID: nil, kind: "message",
                                     message: "rerun of run \(earlier.id)" + (request.currentWorkflow ? " with the current workflow file" : ""), at: now)
        onWork()
        return run
    }
}
