import ArgumentParser
import Foundation
import Learn

struct SampleDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-data",
        abstract: "Write realistic, messy exam data (deterministic for a seed) for demos and tests.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Number of exams.") var exams = 300
    @Option(name: .customLong("samples-per-exam"), help: "Samples (rows) per exam, at 10 Hz.") var samplesPerExam = 300
    @Option(help: "Random seed.") var seed: UInt64 = 7
    @Option(help: ArgumentHelp("Output folder. [default: <data>/inbound]", valueName: "dir")) var out: String?
    @Option(help: "File name.") var name = "exams.csv"

    func run() async throws {
        try await reportingErrors {
            let url = try Self.generate(
                exams: exams, samples: samplesPerExam, seed: seed,
                folder: out.map { URL(fileURLWithPath: $0) } ?? global.layout().inbound, name: name)
            print(url.path)
        }
    }

    static func generate(exams: Int, samples: Int, seed: UInt64, folder: URL, name: String) throws -> URL {
        guard exams >= 2, samples >= 2 else { throw CLIError.refused("--exams and --samples-per-exam must be at least 2") }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        // Write beside, then rename: a watcher never sees a half-written file.
        let partial = folder.appendingPathComponent(".\(name).part")
        try ExamDataGenerator(exams: exams, samplesPerExam: samples, seed: seed).write(to: partial)
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: partial, to: url)
        return url
    }
}
