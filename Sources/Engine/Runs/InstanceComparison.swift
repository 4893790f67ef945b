import FlowSpec
import Foundation
import Store

/// One matrix run's instances side by side (issue 16: "a matrix run's leaderboard is its own
/// compare view"): the same ``RunComparison`` as for several runs, with the instances that reported
/// metrics (`evaluate[window=50,model_type=logistic]`) as its columns, their matrix values as its
/// params, and metric keys by matrix step (`evaluate.accuracy`) so that every instance's value is on
/// one row and the best is marked by ``MetricDirection`` like between runs.
extension Engine {
    /// Compares the matrix instances of the run `reference` names (``resolveRunID(_:)``): those of
    /// `step` (a matrix step's name, `evaluate`), or by default of the last matrix step whose instances
    /// reported a model metric (evaluate's, not train's timings), else the last with any metric. With
    /// `metric` they are ordered best first by it. A run without matrix instances that reported
    /// metrics is refused with a message saying so.
    public func compareInstances(of reference: String, step wanted: String? = nil, metric: String? = nil) async throws -> RunComparison {
        let run = try await resolveRun(reference)
        let recorded = try await store.metrics(runID: run.id).compactMap { m in
            MatrixInstanceID.parse(m.stepID).map { (instance: m.stepID, step: $0.step, name: m.name, value: m.value) }
        }
        var matrixSteps: [String] = []
        for m in recorded where !matrixSteps.contains(m.step) { matrixSteps.append(m.step) }
        guard !matrixSteps.isEmpty else {
            throw InstanceComparisonError(
                field: "id",
                description: "run \(run.id) has no matrix instances that reported metrics, "
                    + "so there is nothing to compare inside it; give two or more runs to compare")
        }
        let chosen: String
        if let wanted {
            guard matrixSteps.contains(wanted) else {
                throw InstanceComparisonError(
                    field: "step",
                    description: "run \(run.id) has no matrix step '\(wanted)' with metrics"
                        + Suggestion.hint(for: wanted, in: matrixSteps)
                        + " (matrix steps with metrics: \(matrixSteps.joined(separator: ", ")))")
            }
            chosen = wanted
        } else {
            let scored = recorded.filter { MetricGroups.isModelMetric($0.name) }.map(\.step)
            chosen = matrixSteps.last { scored.contains($0) } ?? matrixSteps.last!
        }
        var metricsByInstance: [String: [String: Double]] = [:]
        var seen: Set<String> = []
        var pairs: [(step: String, name: String)] = []
        for m in recorded where m.step == chosen {
            metricsByInstance[m.instance, default: [:]][m.step + "." + m.name] = m.value
            if seen.insert(m.name).inserted { pairs.append((m.step, m.name)) }
        }
        let stepOrder = [chosen]
        // The instances in the run's step order (the matrix's order), not the metrics' order.
        let now = clock.now()
        let steps = try await store.steps(runID: run.id).filter { metricsByInstance[$0.stepID] != nil }
        let columns = steps.map { step in
            RunComparison.Run(
                id: step.stepID, workflow: run.workflowName, state: Self.runState(for: step.state),
                createdAt: run.createdAt, startedAt: step.startedAt, finishedAt: step.finishedAt,
                durationSeconds: step.startedAt.map { (step.finishedAt ?? now).timeIntervalSince($0) },
                stepState: step.state)
        }
        let params = steps.map { step in
            Dictionary(MatrixInstanceID.parse(step.stepID)?.values ?? [], uniquingKeysWith: { first, _ in first })
        }
        do {
            return try Self.arrange(
                columns: columns, params: params, metrics: steps.map { metricsByInstance[$0.stepID] ?? [:] },
                pairs: pairs, stepOrder: stepOrder, metric: metric, noun: "instance", instancesOf: run.id)
        } catch RunReferenceError.invalid(_, let reason) {
            // The only refusal there: a metric no instance reported.
            throw InstanceComparisonError(field: "metric", description: reason)
        }
    }

    /// A step's state as the closest run state, for the column's `state` (its exact one is `stepState`).
    static func runState(for state: StepState) -> RunState {
        switch state {
        case .pending, .ready: .queued
        case .running: .running
        case .succeeded, .cached: .succeeded
        case .failed, .upstreamFailed: .failed
        case .canceled, .skipped: .canceled
        }
    }
}

/// Why one run's instances cannot be compared, and which input says so (`id`, `step`, `metric`): the
/// API's 400 names that field, the CLI prints the sentence.
public struct InstanceComparisonError: Error, Equatable, CustomStringConvertible {
    public var field: String
    public var description: String
}

/// Reads an instance id back into its matrix step and values: `evaluate[window=50,model_type=a%2Fb]`
/// → (`evaluate`, [window: 50, model_type: a/b]). Values are percent-decoded (``MatrixCombination``
/// encodes them); a nested matrix's brackets (`evaluate[a=1][b=2]`) all count.
enum MatrixInstanceID {
    static func parse(_ id: String) -> (step: String, values: [(String, String)])? {
        guard id.hasSuffix("]"), let open = id.firstIndex(of: "["), open > id.startIndex else { return nil }
        var values: [(String, String)] = []
        for group in id[open...].split(separator: "]") {
            let inner = group.drop { $0 == "[" }
            for pair in inner.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                values.append((String(parts[0]), String(parts[1]).removingPercentEncoding ?? String(parts[1])))
            }
        }
        return (String(id[..<open]), values)
    }
}
