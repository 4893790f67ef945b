import ArgumentParser
import Engine
import FlowSpec
import Foundation
import Logging
import Steps
import Store

struct BenchSweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "A matrix sweep (4 models × 2 windows in one run) against eight separate runs, printed as JSON.",
        discussion: """
            Makes sample data (--exams × --samples-per-exam) in a temp folder with its own SQLite store, \
            runs the project's exam-sweep workflow once, then exam-pipeline once per model_type × window \
            (8 runs, one after another), every run with caching off (--no-cache), each with one worker of \
            the default slots. Reports each wall time (submit to finished), the sweep's steps, and the ratio \
            separate / sweep. The sweep preprocesses once per window and runs its instances side by side; \
            the separate runs preprocess eight times.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Exams in the sample data.") var exams = 2000
    @Option(name: .customLong("samples-per-exam"), help: "Samples per exam.") var samplesPerExam = 500

    static let models = ["linear", "logistic", "random_forest", "gradient_boosting"]

    func run() async throws {
        try await reportingErrors {
            let folder = try global.workflowsDirectory()
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-bench-sweep-\(getpid())")
            defer { try? FileManager.default.removeItem(at: root) }
            let workflows = root.appendingPathComponent("workflows")
            try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
            for name in ["exam-sweep.yaml", "exam-pipeline.yaml"] {
                try FileManager.default.copyItem(at: folder.appendingPathComponent(name), to: workflows.appendingPathComponent(name))
            }
            let layout = DataLayout(root: root.appendingPathComponent("data"))
            let data = try SampleDataCommand.generate(
                exams: exams, samples: samplesPerExam, seed: 7, folder: layout.inbound, name: "exams.csv")
            let store = try await SQLStore.open(url: layout.database.path, logger: Logger(label: "bench"))
            let engine = Engine(store: store, registry: .builtIn(), layout: layout, workflowsDirectory: workflows)
            let dataset = try await engine.registerDataset(path: data.path)
            // The windows the sweep declares, so the separate runs cover the same eight combinations.
            let sweepSpec = try engine.loadWorkflow("exam-sweep")
            let windows = sweepSpec.steps.filter { $0.matrix.declaredID == "preprocess" }.compactMap { $0.matrix.values["window"] }

            let sweep = try await Self.timedRun(engine, workflow: "exam-sweep", params: [:], datasetID: dataset.id)
            var separate: [[String: Any]] = []
            var separateSeconds = 0.0
            for window in windows {
                for model in Self.models {
                    let one = try await Self.timedRun(
                        engine, workflow: "exam-pipeline",
                        params: ["model_type": .string(model), "window": window], datasetID: dataset.id)
                    separateSeconds += one.seconds
                    separate.append(["model_type": model, "window": window.interpolated, "seconds": one.seconds])
                }
            }
            try await engine.close()
            var sweepSteps: [String: Any] = [:]
            for step in sweep.steps {
                let seconds = step.startedAt.flatMap { start in step.finishedAt.map { $0.timeIntervalSince(start) } } ?? 0
                sweepSteps[step.stepID] = ["state": step.state.rawValue, "seconds": seconds]
            }
            let report: [String: Any] = [
                "exams": exams, "samples_per_exam": samplesPerExam, "data_bytes": dataset.sizeBytes, "build": BenchCache.build,
                "cores": ProcessInfo.processInfo.activeProcessorCount,
                "sweep": ["seconds": sweep.seconds, "steps": sweepSteps],
                "separate": ["runs": separate, "seconds": separateSeconds],
                "ratio_separate_to_sweep": separateSeconds / sweep.seconds,
            ]
            let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: json, as: UTF8.self))
        }
    }

    /// Submit to finished with caching off, with a worker on this run only.
    static func timedRun(
        _ engine: Engine, workflow: String, params: [String: Value], datasetID: String
    ) async throws
        -> (seconds: Double, steps: [StepRunRecord])
    {
        let start = ContinuousClock.now
        let run = try await engine.submit(
            SubmitRequest(workflow: workflow, params: params, datasetID: datasetID, trigger: .cli, cache: false))
        try await Worker(engine: engine, options: .init(name: "bench-sweep", runID: run.id)).run()
        let seconds = (ContinuousClock.now - start).seconds
        guard let finished = try await engine.run(id: run.id), finished.state == .succeeded else {
            throw CLIError.refused("bench run \(run.id) (\(workflow)) did not succeed: \(try await engine.run(id: run.id)?.error ?? "?")")
        }
        return (seconds, try await engine.steps(runID: run.id))
    }
}
