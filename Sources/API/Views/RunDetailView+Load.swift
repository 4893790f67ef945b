import Engine
import Foundation
import Store

extension RunDetailView {
    /// A run with its steps, attempts, metrics and artifacts: what the API returns and the run page shows.
    static func load(id: String, engine: Engine) async throws -> RunDetailView {
        let store = engine
        guard let run = try await store.run(id: id) else { throw APIError.notFound("run '\(id)' not found", code: "run_not_found") }
        async let stepsRead = store.steps(runID: id)
        async let attemptsRead = store.attempts(runID: id)
        async let metricsRead = store.metrics(runID: id)
        let (steps, attempts, metrics) = try await (stepsRead, attemptsRead, metricsRead)
        let attemptsByStep = Dictionary(grouping: attempts, by: \.stepID)
        let metricsByStep = Dictionary(grouping: metrics, by: \.stepID)
        let now = engine.clock.now()
        let files = ArtifactFiles(layout: engine.layout)
        // Only a run with ready steps pays for the reads behind "why is it waiting?".
        let waiting = try await engine.waitingReasons(for: steps)
        let stepViews = steps.map { step in
            StepView(
                id: step.stepID, position: step.position, needs: step.needs, state: step.state.rawValue,
                attempt: step.attempt, maxAttempts: step.maxAttempts, worker: step.worker,
                startedAt: step.startedAt, finishedAt: step.finishedAt,
                durationSeconds: step.startedAt.map { (step.finishedAt ?? now).timeIntervalSince($0) },
                exitStatus: step.exitStatus, error: step.error,
                outputs: step.outputs.mapValues { JSONText.value($0) },
                metrics: Dictionary(metricsByStep[step.stepID, default: []].map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }),
                attempts: attemptsByStep[step.stepID, default: []].sorted { $0.attempt < $1.attempt }.map(AttemptView.init),
                artifacts: files.list(run: id, step: step.stepID), waitingReason: waiting[step.stepID]?.description)
        }
        return RunDetailView(
            id: run.id, workflow: run.workflowName, workflowHash: run.workflowHash, state: run.state.rawValue,
            trigger: run.trigger.rawValue, datasetId: run.datasetID,
            params: JSONText.value(run.paramsJSON, fallback: .map([:])), inputs: JSONText.value(run.inputsJSON, fallback: .map([:])),
            createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt,
            durationSeconds: run.startedAt.map { (run.finishedAt ?? now).timeIntervalSince($0) }, error: run.error,
            errorExcerpt: run.state == .failed ? newestExcerpt(attempts) : nil, steps: stepViews)
    }

    /// The excerpt of the newest attempt that has one: the rule the run lists' column follows
    /// (`SQLStore.failedRunExcerpt`), so the API and the runs table name the same cause.
    static func newestExcerpt(_ attempts: [AttemptRecord]) -> String? {
        attempts.filter { $0.errorExcerpt != nil }
            .max { ($0.startedAt, $0.attempt) < ($1.startedAt, $1.attempt) }?.errorExcerpt
    }
}
