import ArgumentParser
import Foundation

/// `flowrun bench run-noop`: the whole `flowrun run` process on a run of independent noop steps.
struct BenchRunNoop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-noop",
        abstract: "flowrun run of N independent noop steps, the whole process timed; printed as JSON.",
        discussion: """
            Each repeat makes a fresh project (workflows/ and data/ in a temporary folder, the embedded \
            SQLite history unless --database is given) and times `flowrun run` from its start to its \
            exit: opening the store, migrating, submitting, claiming, running and recording every step, \
            and the summary. Issue 18's target: at least 3,000 steps/s with the default settings.
            """)

    @Option(help: "Independent noop steps in the run.") var steps = 1_000
    @Option(help: "Times to run it (each in a fresh project).") var repeats = 3
    @Option(help: "Passed to flowrun run as --slots (default: run's own default).") var slots: Int?
    @Option(
        help: ArgumentHelp("A PostgreSQL URL to use instead of SQLite (each repeat uses a fresh schema's worth of runs).", valueName: "url")
    )
    var database: String?

    func run() async throws {
        try await reportingErrors {
            guard steps >= 1, repeats >= 1 else { throw CLIError.refused("--steps and --repeats: expected at least 1") }
            var seconds: [Double] = []
            for index in 0..<repeats {
                let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-bench-run-noop-\(getpid())-\(index)")
                defer { try? FileManager.default.removeItem(at: root) }
                try Self.makeProject(root, steps: steps)
                seconds.append(try runOnce(root))
            }
            let sorted = seconds.sorted()
            let median = sorted[sorted.count / 2]
            let report: [String: Any] = [
                "steps": steps, "repeats": repeats, "slots": slots.map { $0 as Any } ?? "default",
                "database": database == nil ? "sqlite" : "postgres",
                "seconds": seconds, "median_seconds": median,
                "steps_per_second_median": Double(steps) / median, "steps_per_second_best": Double(steps) / sorted[0],
            ]
            let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    static func makeProject(_ root: URL, steps: Int) throws {
        let workflows = root.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        var yaml = "name: noops\nversion: 1\nsteps:\n"
        for i in 0..<steps { yaml += "  s\(i): { uses: noop }\n" }
        try yaml.write(to: workflows.appendingPathComponent("noops.yaml"), atomically: true, encoding: .utf8)
    }

    /// Wall time of one `flowrun run noops`, from spawn to exit.
    func runOnce(_ root: URL) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        var arguments = ["run", "noops"]
        if let slots { arguments += ["--slots", "\(slots)"] }
        if let database { arguments += ["--database", database] }
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let start = Date()
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(start)
        guard process.terminationStatus == 0 else {
            throw CLIError.refused(
                "flowrun run exited with \(process.terminationStatus): \(String(decoding: stderr.suffix(2000), as: UTF8.self))")
        }
        return elapsed
    }
}
