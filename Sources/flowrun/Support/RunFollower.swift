import Engine
import FlowSpec
import Foundation
import Store

/// Runs a run's steps in this process and shows its progress until it finishes; then prints the
/// run's outputs and metrics. Shared by `run`, `runs resume` and `demo`.
enum RunFollower {
    static func follow(engine: Engine, runID: String, concurrency: Int?, quiet: Bool = false) async throws -> RunState {
        var options = Worker.Options(runID: runID)
        if let concurrency { options.concurrency = concurrency }
        // The worker takes back, at start, the steps of dead flowrun processes (Engine.takeBackFromDeadWorkers).
        let worker = Worker(engine: engine, options: options)
        let work = Task { try await worker.run() }
        var progress = ProgressView(engine: engine, runID: runID, interactive: !quiet && stdoutIsTerminal())
        while true {
            if !quiet { try await progress.update() }
            if let state = try await engine.run(id: runID)?.state, state.isFinished,
               await worker.heldSteps.isEmpty {
                break
            }
            try await Task.sleep(for: .milliseconds(150))
        }
        work.cancel()
        _ = try? await work.value
        if !quiet { try await progress.update() }
        return try await engine.run(id: runID)?.state ?? .failed
    }

    /// The end-of-run summary: state, outputs, metrics.
    static func printSummary(engine: Engine, runID: String) async throws {
        guard let run = try await engine.run(id: runID) else { return }
        let steps = try await engine.steps(runID: runID)
        let elapsed = run.startedAt.map { (run.finishedAt ?? Date()).timeIntervalSince($0) }
        print("\nrun \(run.id) \(run.state.rawValue)" + (elapsed.map { " in \(formatDuration($0))" } ?? ""))
        for step in steps where step.state == .failed {
            // Bounded again: a store written by an older flowrun may hold longer texts.
            print("  \(step.stepID) failed after \(step.attempt) attempt(s): \(ErrorText.bounded(step.error ?? ""))")
            print("  log: \(engine.layout.stepLog(run: runID, step: step.stepID, attempt: step.attempt).path)")
        }
        var outputs = TextTable(header: ["step", "output", "value"])
        for step in steps {
            for (name, json) in step.outputs.sorted(by: { $0.key < $1.key }) {
                let value = Value(jsonText: json)?.interpolated ?? json
                outputs.rows.append([step.stepID, name, value.count > 90 ? String(value.prefix(90)) + "…" : value])
            }
        }
        if !outputs.rows.isEmpty { print("\n" + outputs.render()) }
        let metrics = try await engine.metrics(runID: runID)
        if !metrics.isEmpty {
            var table = TextTable(header: ["step", "metric", "value"])
            for m in metrics { table.rows.append([m.stepID, m.name, String(format: "%.6g", m.value)]) }
            print("\n" + table.render())
        }
    }
}
