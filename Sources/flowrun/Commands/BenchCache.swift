import ArgumentParser
import Engine
import FlowSpec
import Foundation
import Logging
import Steps
import Store

struct BenchCache: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Step caching on the exam pipeline, printed as JSON: a run, then a run with another model_type.",
        discussion: """
            Makes sample data (--exams × --samples-per-exam) in a temp folder with its own SQLite store, \
            runs the project's exam-pipeline workflow with --first as model_type, then again with --second. \
            Reports each run's wall time (submit to finished), each step's state and time, and the ratio. \
            With caching, the second run reuses preprocess and runs train and evaluate. --no-cache runs \
            the second run without reusing anything, for the comparison.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Exams in the sample data.") var exams = 2000
    @Option(name: .customLong("samples-per-exam"), help: "Samples per exam.") var samplesPerExam = 500
    @Option(help: "model_type of the first run.") var first = "random_forest"
    @Option(help: "model_type of the second run.") var second = "logistic"
    @Option(help: "The workflow file (default: exam-pipeline in the project's workflows folder).") var workflow: String?
    @Flag(name: .customLong("no-cache"), help: "Run the second run with caching off.") var noCache = false

    func run() async throws {
        try await reportingErrors {
            let source =
                try workflow.map { URL(fileURLWithPath: $0) }
                ?? global.workflowsDirectory().appendingPathComponent("exam-pipeline.yaml")
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-bench-cache-\(getpid())")
            defer { try? FileManager.default.removeItem(at: root) }
            let workflows = root.appendingPathComponent("workflows")
            try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: source, to: workflows.appendingPathComponent("exam-pipeline.yaml"))
            let layout = DataLayout(root: root.appendingPathComponent("data"))
            let dataStart = ContinuousClock.now
            let data = try SampleDataCommand.generate(
                exams: exams, samples: samplesPerExam, seed: 7, folder: layout.inbound, name: "exams.csv")
            let dataSeconds = (ContinuousClock.now - dataStart).seconds
            let store = try await SQLStore.open(url: layout.database.path, logger: Logger(label: "bench"))
            let engine = Engine(store: store, registry: .builtIn(), layout: layout, workflowsDirectory: workflows)
            let dataset = try await engine.registerDataset(path: data.path)

            let one = try await Self.timedRun(engine, datasetID: dataset.id, modelType: first, cache: true)
            let two = try await Self.timedRun(engine, datasetID: dataset.id, modelType: second, cache: !noCache)
            try await engine.close()
            let report: [String: Any] = [
                "exams": exams, "samples_per_exam": samplesPerExam, "data_bytes": dataset.sizeBytes,
                "make_data_seconds": dataSeconds, "build": Self.build,
                "first": one.report, "second": two.report,
                "second_cache": !noCache,
                "speedup": one.seconds / two.seconds,
                "cached_in_second": two.steps.filter { $0.state == .cached }.map(\.stepID),
            ]
            let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: json, as: UTF8.self))
        }
    }

    /// Submit to finished, with a worker on this run only.
    static func timedRun(
        _ engine: Engine, datasetID: String, modelType: String, cache: Bool
    ) async throws
        -> (seconds: Double, steps: [StepRunRecord], report: [String: Any])
    {
        let start = ContinuousClock.now
        let run = try await engine.submit(
            SubmitRequest(
                workflow: "exam-pipeline", params: ["model_type": .string(modelType)],
                datasetID: datasetID, trigger: .cli, cache: cache))
        try await Worker(engine: engine, options: .init(name: "bench-cache", runID: run.id)).run()
        let seconds = (ContinuousClock.now - start).seconds
        guard let finished = try await engine.run(id: run.id), finished.state == .succeeded else {
            throw CLIError.refused("bench run \(run.id) did not succeed: \(try await engine.run(id: run.id)?.error ?? "?")")
        }
        let steps = try await engine.steps(runID: run.id)
        var perStep: [String: Any] = [:]
        for step in steps {
            let duration = step.startedAt.flatMap { start in step.finishedAt.map { $0.timeIntervalSince(start) } } ?? 0
            perStep[step.stepID] = ["state": step.state.rawValue, "seconds": duration]
        }
        return (seconds, steps, ["model_type": modelType, "seconds": seconds, "steps": perStep])
    }

    static var build: String {
        #if DEBUG
            "debug"
        #else
            "release"
        #endif
    }
}
