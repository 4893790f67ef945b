import FlowSpec
import Foundation
import Store

/// What ``Engine/rerun(_:)`` is asked: a new run made from an earlier one.
public struct RerunRequest: Sendable {
    /// The run to start again from: an id, a unique prefix, `latest`, `latest~N` (``RunReference``).
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
        current
            ? try loadWorkflow(run.workflowName)
            : try parseWorkflow(yaml: run.workflowYAML, file: "\(run.workflowName) (run \(run.id))")
    }

    /// Makes a NEW run with an earlier run's params (some changed), inputs and dataset — unlike
    /// ``retry(runID:)``, which finishes the same run. With caching, only the steps whose inputs
    /// changed execute. Params the current workflow no longer declares are dropped; new ones take
    /// their defaults. The run is made by ``submit(_:)`` — one path plans and writes every run, so
    /// what submit learns (pools, priorities, matrix instances) a rerun gets too.
    public func rerun(_ request: RerunRequest) async throws -> RunRecord {
        let earlier = try await resolveRun(request.runID)
        let workflow = try rerunWorkflow(of: earlier, current: request.currentWorkflow)
        var given = Value(jsonText: earlier.paramsJSON)?.mapValue ?? [:]
        given = given.filter { name, _ in workflow.params.contains { $0.name == name } }
        given.merge(request.params) { $1 }
        let hasDatasetInput = workflow.inputs.contains { $0.type == .dataset }
        var submit = SubmitRequest(
            workflow: earlier.workflowName, params: given, datasetID: hasDatasetInput ? earlier.datasetID : nil,
            inputs: Value(jsonText: earlier.inputsJSON)?.mapValue ?? [:], trigger: request.trigger, cache: request.cache)
        // The name, never a path: the current file is the one in the workflows folder.
        submit.workflowIsName = true
        if !request.currentWorkflow { submit.workflowYAML = earlier.workflowYAML }
        let run = try await self.submit(submit)
        try? await store.appendEvent(
            runID: run.id, stepID: nil, kind: "message",
            message: "rerun of run \(earlier.id)" + (request.currentWorkflow ? " with the current workflow file" : ""),
            at: clock.now())
        return run
    }
}
