import Engine
import Foundation
import Logging
import Steps
import Store
import TestSupport
import Testing

/// A pool's limit holds across workers: four workers, each on its own store connection (as four
/// processes are), run a pool's steps — real `/bin/sh` sleeps, real time — and the steps' processes,
/// by the times they wrote themselves, never overlap more than the limit. On SQLite and PostgreSQL.
@Suite struct PoolWorkersTests {
    @Test(arguments: TestDatabase.all) func fourWorkersNeverRunMoreThanThePoolAllows(database: TestDatabase) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-pools-\(UUID().uuidString)")
        let workflows = root.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        let layout = DataLayout(root: root.appendingPathComponent("data"))
        try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        // Each pooled step's own process writes when it starts and ends: the truth of what ran at
        // once. (The attempts' recorded times are not: a claim's start time is taken before its
        // statement waits for the pool row that a completion holds, so under load it can precede
        // the finish time of the step whose place it then takes.)
        let times = root.appendingPathComponent("times.txt").path
        var yaml = "name: pooled\nversion: 1\nsteps:\n"
        for i in 0..<12 {
            yaml += "  g\(i): { run: \"echo start $(date +%s%N) >> \(times); sleep 0.2; echo end $(date +%s%N) >> \(times)\", pool: gpu }\n"
        }
        for i in 0..<4 { yaml += "  free\(i): { run: \"sleep 0.2\" }\n" }
        try yaml.write(to: workflows.appendingPathComponent("pooled.yaml"), atomically: true, encoding: .utf8)

        let url = try await database.makeURL(in: layout.root)
        var engines: [Engine] = []
        for _ in 0..<4 {
            let store = try await SQLStore.open(url: url, logger: Logger(label: "test"))
            engines.append(Engine(store: store, registry: .builtIn(), layout: layout, workflowsDirectory: workflows))
        }
        try await engines[0].setPool(name: "gpu", slots: 2)
        let run = try await engines[0].submit(SubmitRequest(workflow: "pooled", trigger: .api))
        let workers = engines.enumerated().map { i, engine in
            // One slot each: the pool's two places must be held by different workers, which the
            // limit then has to hold across connections.
            Worker(engine: engine, options: .init(name: "w\(i)", concurrency: 1, pollInterval: .milliseconds(50)))
        }
        let tasks = workers.map { worker in Task { try await worker.run() } }
        // Real processes: poll the run's state until it ends, within a generous deadline.
        let deadline = Date().addingTimeInterval(120)
        while try await engines[0].run(id: run.id)?.state.isFinished != true, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        for task in tasks { task.cancel() }
        for task in tasks { _ = try? await task.value }
        #expect(try await engines[0].run(id: run.id)?.state == .succeeded)

        let attempts = try await engines[0].attempts(runID: run.id)
        let pooled = attempts.filter { $0.stepID.hasPrefix("g") }
        #expect(pooled.count == 12)
        // The most of the pool's step processes running at one instant, from their own times.
        let lines = try String(contentsOfFile: times, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 24, "\(lines)")
        var edges: [(at: Int, delta: Int)] = []
        for line in lines {
            let fields = line.split(separator: " ")
            let at = try #require(fields.count == 2 ? Int(fields[1]) : nil, "\(line)")
            edges.append((at, fields[0] == "start" ? 1 : -1))
        }
        // An end and a start at the same instant: the end first (a place handed on is not an overlap).
        edges.sort { $0.at != $1.at ? $0.at < $1.at : $0.delta < $1.delta }
        var running = 0, most = 0
        for edge in edges {
            running += edge.delta
            most = max(most, running)
        }
        #expect(most <= 2, "up to \(most) gpu steps ran at once")
        // The steps were spread over more than one worker (else the limit was never tested across workers).
        #expect(Set(pooled.map(\.worker)).count > 1)
        #expect(try await engines[0].pools().first { $0.name == "gpu" }?.inUse == 0)
        for engine in engines { try await engine.close() }
    }
}
