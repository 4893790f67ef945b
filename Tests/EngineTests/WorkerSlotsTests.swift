import Engine
import FlowSpec
import Foundation
import Logging
import Steps
import Store
import TestSupport
import Testing

/// A worker's slots: steps run while their `cpu:` fits (real `/bin/sh` sleeps, real time, recorded
/// attempt times), and a step gets its slots in `StepContext.slots` (threads capped at the cores).
@Suite struct WorkerSlotsTests {
    /// Records what the engine granted.
    struct SlotsProbe: Step {
        static let name = "probe"
        static let slots = StepSlots.count(3)
        func run(_ context: StepContext) async throws -> StepResult {
            StepResult(outputs: ["slots": .number(Double(context.slots ?? 0)), "threads": .number(Double(context.threads))])
        }
    }

    func engine(_ database: TestDatabase, _ yaml: String) async throws -> Engine {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-slots-\(UUID().uuidString)")
        let workflows = root.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        let layout = DataLayout(root: root.appendingPathComponent("data"))
        try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        try yaml.write(to: workflows.appendingPathComponent("w.yaml"), atomically: true, encoding: .utf8)
        var registry = StepRegistry.builtIn()
        registry.register(SlotsProbe())
        let store = try await SQLStore.open(url: try await database.makeURL(in: layout.root), logger: Logger(label: "test"))
        return Engine(store: store, registry: registry, layout: layout, workflowsDirectory: workflows)
    }

    func runToEnd(_ engine: Engine, slots: Int) async throws -> RunRecord {
        let run = try await engine.submit(SubmitRequest(workflow: "w", trigger: .api))
        let worker = Worker(engine: engine, options: .init(name: "w1", concurrency: slots, pollInterval: .milliseconds(50), runID: run.id))
        let task = Task { try await worker.run() }
        let deadline = Date().addingTimeInterval(120)
        while try await engine.run(id: run.id)?.state.isFinished != true, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        task.cancel()
        _ = try? await task.value
        return try #require(try await engine.run(id: run.id))
    }

    @Test(arguments: TestDatabase.all) func stepsRunWhileTheirCPUFits(database: TestDatabase) async throws {
        var yaml = "name: w\nversion: 1\nsteps:\n"
        for i in 0..<6 { yaml += "  s\(i): { run: \"sleep 0.2\", cpu: 2 }\n" }
        let engine = try await engine(database, yaml)
        #expect(try await runToEnd(engine, slots: 5).state == .succeeded)
        let attempts = try await engine.attempts(runID: try #require(try await engine.runs(RunQuery(limit: 1)).first?.id))
        var edges: [(at: Date, delta: Int)] = []
        for attempt in attempts {
            edges.append((attempt.startedAt, 1))
            edges.append((try #require(attempt.finishedAt), -1))
        }
        edges.sort { $0.at != $1.at ? $0.at < $1.at : $0.delta < $1.delta }
        var running = 0, most = 0
        for edge in edges {
            running += edge.delta
            most = max(most, running)
        }
        // 5 slots hold two 2-slot steps, never three.
        #expect(most == 2)
        try await engine.close()
    }

    @Test(arguments: TestDatabase.all) func aStepGetsItsSlots(database: TestDatabase) async throws {
        let engine = try await engine(
            database, "name: w\nversion: 1\nsteps:\n  declared: { uses: probe }\n  asked: { uses: probe, cpu: 1 }\n")
        let run = try await runToEnd(engine, slots: 8)
        #expect(run.state == .succeeded)
        let steps = Dictionary(uniqueKeysWithValues: try await engine.steps(runID: run.id).map { ($0.stepID, $0) })
        let cores = ProcessInfo.processInfo.activeProcessorCount
        #expect(steps["declared"]?.cpu == 3)
        #expect(steps["declared"]?.outputs["slots"] == "3")
        #expect(steps["declared"]?.outputs["threads"] == "\(min(3, cores))")
        #expect(steps["asked"]?.outputs["slots"] == "1")
        #expect(steps["asked"]?.outputs["threads"] == "1")
        try await engine.close()
    }
}
