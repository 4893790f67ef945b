import ArgumentParser
import Engine
import FlowSpec
import Foundation

/// The help every command taking a run gives for it: the forms ``RunReference`` reads.
enum RunReferenceHelp {
    static let argument = ArgumentHelp(
        "The run: its id, a unique prefix of it, latest, latest~N (N runs before), or latest:WORKFLOW / latest~N:WORKFLOW.",
        valueName: "run")
}

extension RunsCommand {
    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put runs side by side: the params that differ, metrics with the best per row marked, durations.",
            discussion: """
                Each run is an id, a unique prefix, latest or latest~N (latest:WORKFLOW for one workflow's). \
                With one run, its matrix instances (evaluate[window=50,…]) are compared instead, their matrix \
                values as the params. \
                Params every run shares are listed on one line; '*' marks the best value of a model metric \
                (higher accuracy, f1, roc_auc, r2; lower rmse, mae, log_loss). --metric orders the runs best first.
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(
            help: ArgumentHelp(
                "Two or more runs (an id, a prefix, latest, latest~N…), or one matrix run to compare its instances.",
                valueName: "run")) var runs: [String]
        @Option(help: ArgumentHelp("Order the runs best first by this metric (accuracy, or a step.name key).", valueName: "name"))
        var metric: String?
        @Option(
            help: ArgumentHelp(
                "With one run: the matrix step whose instances to compare (default: the last one reporting model metrics, e.g. evaluate).",
                valueName: "step"))
        var step: String?

        func validate() throws {
            if step != nil, runs.count != 1 { throw ValidationError("--step picks one run's matrix step: give one run with it") }
            guard !runs.isEmpty else {
                throw ValidationError("give two or more runs to compare (e.g. latest latest~1), or one matrix run to compare its instances")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine(readOnly: true)
                // One run: its matrix instances (refused, saying so, when it has none).
                let comparison =
                    runs.count == 1
                    ? try await engine.compareInstances(of: runs[0], step: step, metric: metric)
                    : try await engine.compareRuns(runs, metric: metric)
                if output.json { print(try JSONOutput.encode(comparison)); return }
                print(Self.render(comparison))
            }
        }

        /// The comparison as text: one column per run.
        static func render(_ c: RunComparison) -> String {
            var table = TextTable(header: [""] + c.runs.map(\.id))
            if c.instancesOf != nil {
                table.rows.append(["state"] + c.runs.map { ($0.stepState?.rawValue ?? $0.state.rawValue) })
            } else {
                table.rows.append(["workflow"] + c.runs.map(\.workflow))
                table.rows.append(["state"] + c.runs.map(\.state.rawValue))
            }
            table.rows.append(["duration"] + c.runs.map { $0.durationSeconds.map(formatDuration) ?? "-" })
            let differing = c.params.filter(\.differs)
            if !differing.isEmpty {
                table.rows.append([c.instancesOf == nil ? "params that differ" : "matrix values that differ"])
                for p in differing { table.rows.append(["  " + p.name] + p.values.map { $0 ?? "-" }) }
            }
            for (group, title) in [("model", "model metrics (* best)"), ("data", "data")] {
                let rows = c.metrics.filter { $0.group == group }
                guard !rows.isEmpty else { continue }
                table.rows.append([title])
                for m in rows {
                    table.rows.append(
                        ["  " + m.key]
                            + m.values.indices.map { i in
                                guard let v = m.values[i] else { return "-" }
                                return NumberText.format(v, significant: 6) + (m.best.contains(i) ? " *" : "")
                            })
                }
            }
            var text = c.instancesOf.map { "matrix instances of run \($0)\n\n" } ?? ""
            text += table.render()
            let same = c.params.filter { !$0.differs }
            if !same.isEmpty {
                text +=
                    "\n\nsame in every \(c.instancesOf == nil ? "run" : "instance"): "
                    + same.map { "\($0.name)=\($0.values.first.flatMap { $0 } ?? "-")" }.joined(separator: " ")
            }
            if let sorted = c.sortedBy { text += "\nordered best first by \(sorted)" }
            return text
        }
    }
}
