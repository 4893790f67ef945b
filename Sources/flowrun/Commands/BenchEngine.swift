import ArgumentParser
import Engine
import Foundation
import Logging
import Steps
import Store

struct BenchEngine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Engine throughput and per-step overhead on noop steps, printed as JSON.",
        discussion: """
            fan_out: one run of N independent noop steps, submit to finish (steps/s). chain: a run of M \
            noop steps each needing the previous (engine overhead per step). peak_rss_mb: the peak memory \
            of a `flowrun run` child process on each workflow.
            """)

    @Option(help: "Independent steps in the fan-out run.") var steps = 1000
    @Option(help: "Steps in the chain run.") var chain = 200
    @Option(help: "Steps in flight at once for the fan-out.") var concurrency = 64
    @Option(help: "Database URL (default: a SQLite file in a temp folder).") var database: String?

    func run() async throws {
        try await reportingErrors {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-bench-\(getpid())")
            defer { try? FileManager.default.removeItem(at: root) }
            let workflows = root.appendingPathComponent("workflows")
            try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
            try Self.fanOutYAML(steps).write(to: workflows.appendingPathComponent("fanout.yaml"), atomically: true, encoding: .utf8)
            try Self.chainYAML(chain).write(to: workflows.appendingPathComponent("chain.yaml"), atomically: true, encoding: .utf8)

            let layout = DataLayout(root: root.appendingPathComponent("data"))
            try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
            let store = try await SQLStore.open(url: database ?? layout.database.path, logger: Logger(label: "bench"))
            let engine = Engine(store: store, registry: .builtIn(), layout: layout, workflowsDirectory: workflows)

            let fan = try await Self.time(engine, workflow: "fanout", concurrency: concurrency)
            let chained = try await Self.time(engine, workflow: "chain", concurrency: 2)
            try await store.close()

            let chainRSS = try Self.peakRSS(of: ["run", "chain"], root: root)
            let fanRSS = try Self.peakRSS(of: ["run", "fanout", "--concurrency", "\(concurrency)"], root: root)
            let report: [String: Any] = [
                "backend": database.map { $0.hasPrefix("postgres") ? "postgresql" : "sqlite" } ?? "sqlite",
                "fan_out": ["steps": steps, "concurrency": concurrency, "seconds": fan,
                            "steps_per_second": Double(steps) / fan, "peak_rss_mb": fanRSS],
                "chain": ["steps": chain, "seconds": chained, "ms_per_step": chained * 1000 / Double(chain),
                          "peak_rss_mb": chainRSS],
            ]
            let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// Submit to finished, in seconds.
    static func time(_ engine: Engine, workflow: String, concurrency: Int) async throws -> Double {
        let start = ContinuousClock.now
        let run = try await engine.submit(SubmitRequest(workflow: workflow, trigger: .cli))
        let worker = Worker(engine: engine, options: .init(concurrency: concurrency, runID: run.id))
        try await worker.run()
        let elapsed = (ContinuousClock.now - start).seconds
        guard try await engine.store.run(id: run.id)?.state == .succeeded else {
            throw CLIError(message: "bench run \(run.id) did not succeed", code: 1)
        }
        return elapsed
    }

    /// Runs this binary with `arguments` and returns its peak resident memory in MB.
    static func peakRSS(of arguments: [String], root: URL) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        process.arguments = arguments + ["--data", root.appendingPathComponent("rss-data").path,
                                         "--workflows", root.appendingPathComponent("workflows").path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        // The peak of all waited-for children so far: run the smaller workload last.
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static func fanOutYAML(_ n: Int) -> String {
        var yaml = "name: fanout\ndescription: \(n) independent noop steps\nversion: 1\nsteps:\n"
        for i in 0..<n { yaml += "  s\(i):\n    uses: noop\n" }
        return yaml
    }

    static func chainYAML(_ n: Int) -> String {
        var yaml = "name: chain\ndescription: \(n) noop steps in a chain\nversion: 1\nsteps:\n"
        for i in 0..<n {
            yaml += "  s\(i):\n    uses: noop\n" + (i > 0 ? "    needs: [s\(i - 1)]\n" : "")
        }
        return yaml
    }
}
