import FlowSpec
import Foundation
import Steps
import Store

/// The slots and pool each step of a run takes, decided when the run is submitted
/// (docs/scheduling.md, "Slots, pools and priorities").
///
/// - A step's `cpu:` is a requirement: a step asking for more slots than any worker has would wait
///   for ever, so the submit is refused with the `cpu:` line's file:line:column. The bound is the
///   submitter's: `flowrun run` knows its in-process worker's slots (``SubmitRequest/slotLimit``);
///   a submit through the API or a watcher checks against the largest live worker and the default
///   slots of a worker on this machine (4 × cores), since a worker may start later.
/// - Without `cpu:`, a `uses:` step takes what its kind declares (``Steps/StepSlots``; `train`: all
///   cores of the submitting machine), never more than that bound: a declaration is a wish, and
///   the step reads what it got in `StepContext.threads`. `run:` steps take one.
public struct StepPlacement: Sendable, Equatable {
    public var cpu: Int
    public var pool: String?
}

extension Engine {
    /// How long a worker counts as live for the slot bound (its heartbeat is every 10 s).
    static let liveWorkerWindow: TimeInterval = 60

    /// The largest step a submit may ask for: see ``StepPlacement``.
    func slotBound(_ request: SubmitRequest) async -> Int {
        if let limit = request.slotLimit { return max(1, limit) }
        let live = (try? await store.workers(since: clock.now().addingTimeInterval(-Self.liveWorkerWindow))) ?? []
        return max(Worker.Options.defaultSlots, live.compactMap(\.concurrency).max() ?? 0)
    }

    /// Each step's placement; refuses a `cpu:` above `bound`, with its place in the file.
    func placements(_ workflow: Workflow, bound: Int) throws -> [String: StepPlacement] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var out: [String: StepPlacement] = [:]
        var problems: [SpecDiagnostic] = []
        for step in workflow.steps {
            let cpu: Int
            if let asked = step.cpu {
                if asked > bound {
                    let mark = step.cpuMark ?? SourceMark(line: 1, column: 1)
                    problems.append(
                        SpecDiagnostic(
                            file: workflow.file, line: mark.line, column: mark.column, severity: .error,
                            message: "steps.\(step.id).cpu: asks for \(asked) slots, more than any worker has (\(bound)); "
                                + "lower it, or start a worker with --slots \(asked) or more"))
                }
                cpu = asked
            } else if case .uses(let name) = step.action {
                cpu = min(bound, registry.slots(name).resolved(cores: cores))
            } else {
                cpu = 1
            }
            out[step.id] = StepPlacement(cpu: cpu, pool: step.pool)
        }
        if !problems.isEmpty { throw EngineError.invalidWorkflow(problems) }
        return out
    }

    /// Pools the workflow names that have no limit in the store: they run unlimited, which is
    /// rarely what a `pool:` meant (a typo, or `flowrun pools set` not run yet).
    public func unlimitedPools(_ workflow: Workflow) async throws -> [SpecDiagnostic] {
        let named = workflow.steps.filter { $0.pool != nil }
        guard !named.isEmpty else { return [] }
        let limited = Set(try await store.pools().filter { $0.slots != nil }.map(\.name))
        return named.compactMap { step in
            guard let pool = step.pool, !limited.contains(pool) else { return nil }
            let mark = step.poolMark ?? SourceMark(line: 1, column: 1)
            return SpecDiagnostic(
                file: workflow.file, line: mark.line, column: mark.column, severity: .warning,
                message: "steps.\(step.id).pool: pool '\(pool)' has no limit, so its steps run unlimited "
                    + "(set one with `flowrun pools set \(pool) N` or `pools:` in flowrun.yaml)"
                    + Suggestion.hint(for: pool, in: Array(limited)))
        }
    }
}
