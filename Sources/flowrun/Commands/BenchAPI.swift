import API
import ArgumentParser
import Engine
import Foundation
import Logging
import Store

/// `flowrun bench api`: a real `flowrun serve` over a store of many runs, loaded with wrk.
struct BenchAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "HTTP API: GET /api/runs?limit=50 latency and GET /api/health throughput with wrk; idle RSS. Prints JSON.",
        discussion:
            "Needs wrk (Debian: apt-get install wrk). Targets: runs p99 < 20 ms at 50 connections, health ≥ 20,000 req/s, idle RSS < 60 MB."
    )

    @Option(help: "Runs in the store.") var runs: Int = 100_000
    @Option(help: "wrk connections.") var connections: Int = 50
    @Option(help: "wrk threads.") var threads: Int = 2
    @Option(help: "Seconds per wrk run.") var seconds: Int = 10

    func run() async throws {
        try await reportingErrors {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-bench-api-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: root) }
            let seedStart = Date()
            try await seed(root: root)
            let seedSeconds = Date().timeIntervalSince(seedStart)

            let port = 20_000 + Int(getpid() % 20_000)
            // The server's token for this run.
            let token = RandomHex.make(bytes: 16)
            let server = Process()
            server.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
            if !FileManager.default.isExecutableFile(atPath: server.executableURL!.path) {
                server.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            }
            server.arguments = ["serve", "--data", root.path, "--port", "\(port)", "--host", "127.0.0.1", "--no-worker"]
            server.standardOutput = FileHandle.nullDevice
            var environment = ProcessInfo.processInfo.environment
            // A token, as every server has: the benchmark measures authorised requests, not refusals.
            environment["FLOWRUN_API_TOKEN"] = token
            environment.removeValue(forKey: "DATABASE_URL")
            server.environment = environment
            try server.run()
            defer { server.terminate(); server.waitUntilExit() }
            let base = "http://127.0.0.1:\(port)"
            try await waitForHealth(base)
            try await Task.sleep(for: .seconds(2))
            let idleRSS = BenchAPI.rssMB(pid: server.processIdentifier)

            let runsLoad = try wrk("\(base)/api/runs?limit=50", token: token)
            let healthLoad = try wrk("\(base)/api/health", token: token)
            let loadedRSS = BenchAPI.rssMB(pid: server.processIdentifier)
            let result: [String: Any] = [
                "benchmark": "api", "runs_in_store": runs, "seed_seconds": seedSeconds, "connections": connections,
                "seconds_per_test": seconds,
                "runs_limit50": runsLoad, "health": healthLoad,
                "idle_rss_mb": idleRSS, "rss_after_load_mb": loadedRSS,
                "targets": ["runs_p99_ms": 20, "health_rps": 20_000, "idle_rss_mb": 60],
            ]
            let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// Writes `runs` runs of one step each, in batches across workflows and states.
    func seed(root: URL) async throws {
        let store = try await SQLStore.open(url: root.appendingPathComponent("flowrun.sqlite").path, logger: Logger(label: "bench"))
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        let states: [RunState] = [.succeeded, .succeeded, .succeeded, .failed, .canceled]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<4 {
                group.addTask {
                    for index in stride(from: lane, to: runs, by: 4) {
                        let created = start.addingTimeInterval(Double(index))
                        let run = RunRecord(
                            id: String(format: "%08d-bench-%08x", index, index), workflowName: index % 3 == 0 ? "exam-pipeline" : "hello",
                            workflowYAML: "name: bench\n", workflowHash: "0", paramsJSON: #"{"model_type":"ridge"}"#, inputsJSON: "{}",
                            datasetID: nil, trigger: .api, state: states[index % states.count], createdAt: created,
                            startedAt: created, finishedAt: created.addingTimeInterval(12))
                        try await store.createRun(run, steps: [NewStepRun(stepID: "only", position: 0, needs: [], maxAttempts: 1)])
                    }
                }
            }
            try await group.waitForAll()
        }
        try await store.close()
    }

    func waitForHealth(_ base: String) async throws {
        for _ in 0..<200 {
            // curl: Foundation's URL loading is not linked into flowrun on Linux.
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            probe.arguments = ["curl", "-fsS", "-o", "/dev/null", "\(base)/api/health"]
            probe.standardError = FileHandle.nullDevice
            if (try? probe.run()) != nil {
                probe.waitUntilExit()
                if probe.terminationStatus == 0 { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError.refused("the server did not answer /api/health")
    }

    /// Runs wrk and reads requests/s and latency percentiles from its `--latency` report.
    func wrk(_ url: String, token: String) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "wrk", "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency",
            "-H", "Authorization: Bearer \(token)", url,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { throw CLIError.refused("cannot run wrk (apt-get install wrk): \(error)") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CLIError.refused("wrk failed:\n\(output)") }
        var result: [String: Any] = ["url": url]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.first == "Requests/sec:", fields.count > 1 { result["requests_per_second"] = Double(fields[1]) ?? 0 }
            if fields.count == 2, ["50%", "90%", "99%"].contains(String(fields[0])) {
                result["p\(fields[0].dropLast())_ms"] = BenchAPI.milliseconds(String(fields[1]))
            }
            if line.contains("Non-2xx") { result["non_2xx"] = Int(fields.last ?? "") ?? -1 }
            if line.contains("Socket errors") { result["socket_errors"] = String(line.trimmingCharacters(in: .whitespaces)) }
        }
        if let refused = result["non_2xx"] as? Int, refused != 0 {
            throw CLIError.refused("\(url): \(refused) answers were not 2xx: the figures would measure errors")
        }
        return result
    }

    static func milliseconds(_ text: String) -> Double {
        let units: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            return (Double(text.dropLast(suffix.count)) ?? 0) * factor
        }
        return Double(text) ?? 0
    }

    static func rssMB(pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        return kb / 1024
    }
}
