import ArgumentParser
import Engine
import FlowSpec
import Foundation
import Store

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Sample exam data through workflows/exam-pipeline.yaml end to end on the embedded store.",
        discussion: "Generates data/inbound/exams.csv, runs preprocess → train → evaluate with live progress, and prints the metrics.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Number of exams.") var exams = 400
    @Option(name: .customLong("samples-per-exam"), help: "Samples per exam.") var samplesPerExam = 300
    @Option(name: .customLong("model-type"), help: "linear, logistic, random_forest or gradient_boosting.") var modelType =
        "gradient_boosting"
    @Option(help: "Random seed for the data.") var seed: UInt64 = 7

    func run() async throws {
        try await reportingErrors {
            let engine = try await global.openEngine()
            let started = Date()
            let data = try SampleDataCommand.generate(
                exams: exams, samples: samplesPerExam, seed: seed,
                folder: engine.layout.inbound, name: "exams.csv")
            print("sample data: \(data.path) (\(exams) exams × \(samplesPerExam) samples)")
            let run = try await engine.submit(
                SubmitRequest(
                    workflow: "exam-pipeline", params: ["model_type": .string(modelType)], datasetPath: data.path, trigger: .cli))
            print("run \(run.id) submitted: exam-pipeline with model_type=\(modelType)\n")
            let state = try await RunFollower.follow(engine: engine, runID: run.id, concurrency: nil)
            try await RunFollower.printSummary(engine: engine, runID: run.id)
            print("\nartifacts: \(engine.layout.runs.appendingPathComponent(run.id).path)")
            print("total \(formatDuration(Date().timeIntervalSince(started)))")
            try await engine.close()
            if state != .succeeded { throw ExitCode(1) }
        }
    }
}
