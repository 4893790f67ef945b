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
                await worker.heldSteps.isEmpty
            {
                break
            }
            // Redraw every 150 ms, but go on at once when the worker returns (it does when the run has
            // finished): a fixed sleep cost every short run up to 150 ms at its end (bench run-noop).
            let workerEnded = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    _ = try? await work.value; return true
                }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(150)); return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            try Task.checkCancellation()
            // A worker that stopped on an error before the run finished: its error is the answer.
            if workerEnded, try await engine.run(id: runID)?.state.isFinished != true {
                try await work.value
                try await Task.sleep(for: .milliseconds(150))
            }
        }
        work.cancel()
        _ = try? await work.value
        if !quiet { try await progress.update() }
        return try await engine.run(id: runID)?.state ?? .failed
    }

    /// The end-of-run summary: state; each failed step's error with the last lines its attempt
    /// wrote (its error excerpt) and its log; the model's metrics; outputs; then the data's
    /// counters apart (``MetricGroups``).
    static func printSummary(engine: Engine, runID: String) async throws {
        guard let run = try await engine.run(id: runID) else { return }
        let steps = try await engine.steps(runID: runID)
        let elapsed = run.startedAt.map { (run.finishedAt ?? Date()).timeIntervalSince($0) }
        print("\nrun \(run.id) \(run.state.rawValue)" + (elapsed.map { " in \(formatDuration($0))" } ?? ""))
        let failed = steps.filter { $0.state == .failed }
        let attempts = failed.isEmpty ? [] : try await engine.attempts(runID: runID)
        for step in failed {
            // Bounded again: a store written by an older flowrun may hold longer texts.
            print("  \(step.stepID) failed after \(step.attempt) attempt(s): \(ErrorText.bounded(step.error ?? ""))")
            let latest = attempts.last { $0.stepID == step.stepID && $0.attempt == step.attempt }
            if let excerpt = latest?.errorExcerpt {
                print("  last lines of attempt \(step.attempt):")
                for line in excerpt.split(separator: "\n", omittingEmptySubsequences: false) { print("    │ \(line)") }
            }
            print("  log: \(engine.layout.stepLog(run: runID, step: step.stepID, attempt: step.attempt).path)")
        }
        let metrics = try await engine.metrics(runID: runID)
        var value: [String: Double] = [:]
        for m in metrics { value[m.stepID + "\u{0}" + m.name] = m.value }
        func text(_ step: String, _ name: String) -> String { NumberText.format(value[step + "\u{0}" + name] ?? .nan, significant: 6) }
        let (modelMetrics, counterMetrics) = MetricGroups.arrange(metrics.map { ($0.stepID, $0.name) }, stepOrder: steps.map(\.stepID))
        var model = TextTable(header: ["step", "metric", "value"])
        for m in modelMetrics { model.rows.append([m.step, m.name, text(m.step, m.name)]) }
        var counters: [(step: String, names: [String])] = []
        for m in counterMetrics {
            if counters.last?.step != m.step { counters.append((m.step, [])) }
            counters[counters.count - 1].names.append("\(m.name)=\(text(m.step, m.name))")
        }
        if !model.rows.isEmpty { print("\n" + model.render()) }
        var outputs = TextTable(header: ["step", "output", "value"])
        for step in steps {
            for (name, json) in step.outputs.sorted(by: { $0.key < $1.key }) {
                let value = Value(jsonText: json)?.interpolated ?? json
                outputs.rows.append([step.stepID, name, value.count > 90 ? String(value.prefix(90)) + "…" : value])
            }
        }
        if !outputs.rows.isEmpty { print("\n" + outputs.render()) }
        if !counters.isEmpty {
            print("\ndata quality and other counters:")
            for (step, items) in counters { print(wrapped(items, lead: "  \(step): ", width: 100)) }
        }
    }

    /// `items` joined by spaces after `lead`, continued on lines indented like the first item.
    static func wrapped(_ items: [String], lead: String, width: Int) -> String {
        var lines: [String] = []
        var line = lead
        let indent = String(repeating: " ", count: lead.count)
        for item in items {
            if line.count > indent.count, line.count + 1 + item.count > width {
                lines.append(line)
                line = indent
            }
            line += (line.count > indent.count ? " " : "") + item
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
