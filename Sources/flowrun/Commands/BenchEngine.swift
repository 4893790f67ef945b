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
            noop steps each needing the previous (engine overhead per step, and ready_to_claimed_ms: from \
            a step's upstream finishing to a worker claiming it, p50/p99). --workers runs that many \
            workers, each with its own database connection as separate processes have; with PostgreSQL \
            they wake each other through LISTEN/NOTIFY. peak_rss_mb: the peak memory of a `flowrun run` \
            child process on each workflow, on the same database, as that child measures it (VmHWM).
            """)

    @Option(help: "Independent steps in the fan-out run.") var steps = 1000
    @Option(help: "Steps in the chain run.") var chain = 200
    @Option(help: "Steps in flight at once for the fan-out.") var concurrency = 64
    @Option(help: "Workers sharing the steps, each with its own store connection.") var workers = 1
    @Option(help: "Database URL (default: a SQLite file in a temp folder).") var database: String?
    @Option(help: "Put every step in a pool 'bench' with this limit (the pool's cost in the claim; issue 18).") var pool: Int?

    func run() async throws {
        try await reportingErrors {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-bench-\(getpid())")
            defer { try? FileManager.default.removeItem(at: root) }
            let workflows = root.appendingPathComponent("workflows")
            try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
            try Self.inPool(Self.fanOutYAML(steps), pool != nil).write(
                to: workflows.appendingPathComponent("fanout.yaml"), atomically: true, encoding: .utf8)
            try Self.inPool(Self.chainYAML(chain), pool != nil).write(
                to: workflows.appendingPathComponent("chain.yaml"), atomically: true, encoding: .utf8)

            let layout = DataLayout(root: root.appendingPathComponent("data"))
            try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
            var engines: [Engine] = []
            for _ in 0..<max(1, workers) {
                let store = try await SQLStore.open(url: database ?? layout.database.path, logger: Logger(label: "bench"))
                engines.append(Engine(store: store, registry: .builtIn(), layout: layout, workflowsDirectory: workflows))
            }
            if let pool { try await engines[0].setPool(name: "bench", slots: pool) }

            let fan = try await Self.time(engines, workflow: "fanout", concurrency: concurrency)
            let chained = try await Self.time(engines, workflow: "chain", concurrency: 2)
            let latency = try await Self.readyToClaimed(engines[0], runID: chained.runID)
            for engine in engines { try await engine.close() }

            let chainRSS = try Self.peakRSS(of: ["run", "chain"], root: root, database: database)
            let fanRSS = try Self.peakRSS(of: ["run", "fanout", "--slots", "\(concurrency)"], root: root, database: database)
            let report: [String: Any] = [
                "backend": database.map { $0.hasPrefix("postgres") ? "postgresql" : "sqlite" } ?? "sqlite",
                "workers": max(1, workers),
                "pool_limit": pool.map { $0 as Any } ?? NSNull(),
                "fan_out": [
                    "steps": steps, "concurrency": concurrency, "seconds": fan.seconds,
                    "steps_per_second": Double(steps) / fan.seconds, "peak_rss_mb": fanRSS,
                ],
                "chain": [
                    "steps": chain, "seconds": chained.seconds, "ms_per_step": chained.seconds * 1000 / Double(chain),
                    "ready_to_claimed_ms": ["p50": latency.p50, "p99": latency.p99], "peak_rss_mb": chainRSS,
                ],
            ]
            let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// Submit to finished, in seconds, with one worker per engine sharing `concurrency` slots.
    static func time(_ engines: [Engine], workflow: String, concurrency: Int) async throws -> (seconds: Double, runID: String) {
        let run = try await engines[0].submit(SubmitRequest(workflow: workflow, trigger: .cli))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, engine) in engines.enumerated() {
                let slots = max(1, concurrency / engines.count)
                let worker = Worker(engine: engine, options: .init(name: "bench-\(i)", concurrency: slots, runID: run.id))
                group.addTask { try await worker.run() }
            }
            try await group.waitForAll()
        }
        guard let finished = try await engines[0].run(id: run.id), finished.state == .succeeded,
            let end = finished.finishedAt
        else {
            throw CLIError(message: "bench run \(run.id) did not succeed", code: 1)
        }
        // Submit to the run's recorded finish: an idle worker noticing the end later (its poll) is
        // not the run's time.
        return (end.timeIntervalSince(finished.createdAt), run.id)
    }

    /// For each step of a chain but the first: from its upstream's finish to its claim, in ms.
    static func readyToClaimed(_ store: Engine, runID: String) async throws -> (p50: Double, p99: Double) {
        let steps = try await store.steps(runID: runID)
        let finished = Dictionary(uniqueKeysWithValues: steps.map { ($0.stepID, $0.finishedAt) })
        let claimed = Dictionary(try await store.attempts(runID: runID).map { ($0.stepID, $0.startedAt) }, uniquingKeysWith: min)
        let waits = steps.compactMap { step -> Double? in
            guard let need = step.needs.first, let ready = finished[need] ?? nil, let claim = claimed[step.stepID] else { return nil }
            return claim.timeIntervalSince(ready) * 1000
        }.sorted()
        guard !waits.isEmpty else { return (0, 0) }
        let pick = { (q: Double) in waits[min(waits.count - 1, Int((Double(waits.count) * q).rounded(.down)))] }
        return (pick(0.5), pick(0.99))
    }

    /// Runs `flowrun ARGUMENTS` in a child process on the bench's database (its SQLite file is
    /// another, in the temp folder) and returns the child's own peak memory in MB, as the child
    /// reports it (``BenchPeakRSS``): `getrusage` of the children would include this process's peak.
    static func peakRSS(of arguments: [String], root: URL, database: String?) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        process.arguments =
            ["bench", "peak-rss", "--"] + arguments
            + ["--data", root.appendingPathComponent("rss-data").path, "--workflows", root.appendingPathComponent("workflows").path]
            + (database.map { ["--database", $0] } ?? [])
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let fd = output.fileHandleForReading.fileDescriptor
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        process.waitUntilExit()
        let marker = String(decoding: data, as: UTF8.self).split(separator: "\n").last { $0.hasPrefix(PeakRSS.marker) }
        guard process.terminationStatus == 0, let megabytes = marker.flatMap({ Double($0.dropFirst(PeakRSS.marker.count)) }) else {
            throw CLIError(
                message: "the measured run (flowrun \(arguments.joined(separator: " "))) failed with status \(process.terminationStatus)",
                code: 1)
        }
        return megabytes
    }

    /// Every step of `yaml` with `pool: bench` (each step's `uses: noop` line gains it).
    static func inPool(_ yaml: String, _ pooled: Bool) -> String {
        pooled ? yaml.replacingOccurrences(of: "    uses: noop\n", with: "    uses: noop\n    pool: bench\n") : yaml
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
