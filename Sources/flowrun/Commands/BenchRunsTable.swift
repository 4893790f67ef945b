import ArgumentParser
import Engine
import FlowSpec
import Foundation
import Logging
import Steps
import Store

/// `flowrun bench runs-table`: the dashboard's runs table (``Store/runTable(_:)``) and a leaderboard
/// over a store of many finished runs with params and metrics, timed in process; with `--http`, the
/// `/runs` page itself from a real `flowrun serve`, timed by curl. Prints JSON.
struct BenchRunsTable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs-table",
        abstract: "The runs table's page (params, a metric column, filters, sorts) and a leaderboard over many runs. Prints JSON.",
        discussion:
            "Seeds N runs of one workflow (model_type × 4, window × 2; accuracy and rmse metrics) in a throwaway SQLite file, or in --database (a PostgreSQL URL: use an empty database)."
    )

    @Option(help: "Runs in the store.") var runs: Int = 10_000
    @Option(help: "Times each query runs (the median and the slowest are reported).") var repeats: Int = 20
    @Option(help: "A PostgreSQL URL to seed instead of a temporary SQLite file (an empty database).") var database: String?
    @Flag(help: "Also time the /runs page from a real flowrun serve (SQLite only; needs curl).") var http = false

    func run() async throws {
        try await reportingErrors {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-bench-table-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: root) }
            let url = database ?? root.appendingPathComponent("flowrun.sqlite").path
            let store = try await SQLStore.open(url: url, logger: Logger(label: "bench"))
            let seedStart = Date()
            try await seed(store)
            let seedSeconds = Date().timeIntervalSince(seedStart)
            let workflows = root.appendingPathComponent("workflows")
            try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
            try Self.workflow.write(to: workflows.appendingPathComponent("sweep.yaml"), atomically: true, encoding: .utf8)
            let engine = Engine(store: store, registry: .builtIn(), layout: DataLayout(root: root), workflowsDirectory: workflows)

            let day = Date(timeIntervalSince1970: Self.start + Double(runs) / 2)
            let queries: [(String, RunTableQuery)] = [
                ("newest_page_with_metric", RunTableQuery(workflow: "sweep", metric: "accuracy")),
                ("sorted_by_metric", RunTableQuery(workflow: "sweep", metric: "accuracy", sort: .metricBest)),
                (
                    "param_filter_sorted_by_metric",
                    RunTableQuery(workflow: "sweep", params: ["model_type": "logistic"], metric: "accuracy", sort: .metricBest)
                ),
                ("metric_range", RunTableQuery(workflow: "sweep", metric: "accuracy", metricMin: 0.8, metricMax: 0.9)),
                ("date_range", RunTableQuery(workflow: "sweep", metric: "rmse", from: day, to: day.addingTimeInterval(3600))),
                (
                    "last_page_by_metric",
                    RunTableQuery(workflow: "sweep", metric: "accuracy", sort: .metricWorst, offset: max(0, runs - 50))
                ),
                ("all_workflows_newest", RunTableQuery(metric: "accuracy")),
            ]
            var results: [String: Any] = [:]
            for (name, query) in queries {
                var rows = 0
                results[name] = try await time { rows = try await engine.runTable(query).rows.count }.merging(["rows": rows]) { $1 }
            }
            results["leaderboard_top10"] = try await time {
                _ = try await engine.leaderboard(workflow: "sweep", metric: "accuracy", limit: 10)
            }
            try await store.close()
            var output: [String: Any] = [
                "benchmark": "runs-table", "runs_in_store": runs, "seed_seconds": seedSeconds,
                "store": database == nil ? "sqlite" : "postgres", "repeats": repeats, "queries_ms": results,
            ]
            if http, database == nil { output["http_page_ms"] = try await page(root: root) }
            let data = try JSONSerialization.data(withJSONObject: output, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    static let start = 1_780_000_000.0
    static let models = ["logistic", "random_forest", "gradient_boosting", "svm"]
    static let workflow = """
        name: sweep
        version: 1
        params:
          model_type: { type: string, default: logistic }
          window: { type: number, default: 50 }
        steps:
          evaluate: { uses: noop }
        """

    /// `runs` finished runs, one evaluate step each reporting accuracy and rmse, written in batches
    /// through the store's own claim and completion (as workers write them).
    func seed(_ store: SQLStore) async throws {
        let batch = 500
        for first in stride(from: 0, to: runs, by: batch) {
            let indices = first..<min(runs, first + batch)
            for index in indices {
                let created = Date(timeIntervalSince1970: Self.start + Double(index))
                let params = #"{"model_type":"\#(Self.models[index % 4])","window":\#(index % 8 < 4 ? 50 : 25)}"#
                let run = RunRecord(
                    id: String(format: "%08d-bench-%08x", index, index), workflowName: "sweep", workflowYAML: Self.workflow,
                    workflowHash: "0",
                    paramsJSON: params, inputsJSON: "{}", datasetID: nil, trigger: .api, createdAt: created)
                try await store.createRun(run, steps: [NewStepRun(stepID: "evaluate", position: 0, needs: [], maxAttempts: 1)])
            }
            let now = Date(timeIntervalSince1970: Self.start + Double(runs) + 10)
            let claimed = try await store.claimReadySteps(
                worker: "bench", runID: nil, limit: batch, now: now, leaseUntil: now.addingTimeInterval(600))
            let completions = claimed.map { step -> StepCompletion in
                // A number per run that spreads over 0.5–1 without a pattern the sort could exploit.
                let hash = Double(UInt32(truncatingIfNeeded: step.runID.hashValue) % 10_000) / 10_000
                return StepCompletion(
                    key: StepAttemptKey(runID: step.runID, stepID: step.stepID, attempt: step.attempt), worker: "bench",
                    outcome: .succeeded(outputs: [:], metrics: ["accuracy": 0.5 + hash / 2, "rmse": 1 - hash / 2]), now: now)
            }
            _ = try await store.completeSteps(completions)
        }
    }

    /// Runs `body` `repeats` times: the median and the slowest in milliseconds.
    func time(_ body: () async throws -> Void) async throws -> [String: Any] {
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = ContinuousClock.now
            try await body()
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        times.sort()
        return ["median_ms": times[times.count / 2], "max_ms": times.last!]
    }

    /// The `/runs` page sorted by the metric, filtered by a param, from a real server: curl's own total time.
    func page(root: URL) async throws -> [String: Any] {
        let port = 20_000 + Int(getpid() % 20_000)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        server.arguments = [
            "serve", "--data", root.path, "--workflows", root.appendingPathComponent("workflows").path,
            "--port", "\(port)", "--host", "127.0.0.1", "--no-worker", "--no-auth",
        ]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "DATABASE_URL")
        environment.removeValue(forKey: "FLOWRUN_API_TOKEN")
        server.environment = environment
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        try await BenchAPI().waitForHealth(base)
        var out: [String: Any] = [:]
        for (name, path) in [
            ("runs_page_by_metric", "/runs?workflow=sweep&metric=accuracy&sort=metric"),
            ("runs_page_param_filter", "/runs?workflow=sweep&p.model_type=svm&metric=accuracy&sort=metric&min=0.6"),
            ("runs_page_default", "/runs"),
        ] {
            var times: [Double] = []
            for _ in 0..<max(1, repeats) {
                let curl = Process()
                curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                curl.arguments = ["curl", "-fsS", "-o", "/dev/null", "-w", "%{time_total}", base + path]
                let pipe = Pipe()
                curl.standardOutput = pipe
                try curl.run()
                let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                curl.waitUntilExit()
                guard curl.terminationStatus == 0 else { throw CLIError.refused("\(path): curl failed") }
                times.append((Double(text) ?? 0) * 1000)
            }
            times.sort()
            out[name] = ["median_ms": times[times.count / 2], "max_ms": times.last!]
        }
        return out
    }
}
