import Engine
import FlowSpec
import Foundation
import Logging
import Steps
import Store
import TestSupport
import Testing

/// A step that computes blocks its thread for as long as it computes (a model fit, a CSV read). Such
/// steps run on threads of their own: more of them than Swift's cooperative pool has threads (one per
/// core) leave the process free — here, free to run the test that releases them. On the pool they
/// froze it: no heartbeat, no claim, no API answer until they ended.
@Suite struct BlockingStepTests {
    struct BlockingStep: Step {
        static let name = "block"
        static let cachesByDefault = false
        let gate: BlockingGate
        func run(_ context: StepContext) async throws -> StepResult {
            StepResult(outputs: ["released": .bool(gate.block())])
        }
    }

    @Test func stepsThatBlockTheirThreadsLeaveTheProcessFree() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-blocking-\(UUID().uuidString)")
        let workflows = root.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        let layout = DataLayout(root: root.appendingPathComponent("data"))
        try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        // More blocking steps than the cooperative pool has threads.
        let count = ProcessInfo.processInfo.activeProcessorCount + 1
        var yaml = "name: w\nversion: 1\nsteps:\n"
        for i in 0..<count { yaml += "  s\(i): { uses: block }\n" }
        try yaml.write(to: workflows.appendingPathComponent("w.yaml"), atomically: true, encoding: .utf8)
        let gate = BlockingGate()
        var registry = StepRegistry.builtIn()
        registry.register(BlockingStep(gate: gate))
        let store = try await SQLStore.open(url: layout.root.appendingPathComponent("flowrun.sqlite").path, logger: Logger(label: "test"))
        let engine = Engine(store: store, registry: registry, layout: layout, workflowsDirectory: workflows)

        let run = try await engine.submit(SubmitRequest(workflow: "w", trigger: .api))
        let worker = Worker(engine: engine, options: .init(name: "w1", concurrency: count, pollInterval: .milliseconds(20), runID: run.id))
        let working = Task { try await worker.run() }
        defer { working.cancel() }
        // Polled with a deadline: the steps block real threads, which no injected clock reaches.
        try await gate.releaseWhenEntered(count)
        let deadline = Date().addingTimeInterval(120)
        while try await engine.run(id: run.id)?.state.isFinished != true, Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let steps = try await engine.steps(runID: run.id)
        #expect(steps.count == count)
        // On the cooperative pool the first steps took every thread, and this test could not run to
        // release them: they waited out their timeouts.
        #expect(steps.allSatisfy { $0.outputs["released"] == "true" }, "\(steps.map { ($0.stepID, $0.outputs) })")
        try await engine.close()
    }

    /// A Swift step that never checks cancellation is given up on after its time limit and the grace
    /// to stop: the attempt fails saying so, is not retried (the step may still write to its folder),
    /// and the run ends. Before, the attempt waited for the step, holding its slots and its run.
    @Test func aStepThatDoesNotStopAtItsTimeoutIsGivenUpOn() async throws {
        let gate = BlockingGate()
        defer { gate.release() }
        let h = try await Harness { registry, _ in registry.register(BlockingStep(gate: gate)) }
        try h.write(
            "stuck",
            """
            name: stuck
            version: 1
            steps:
              hang:
                uses: block
                timeout: 10s
                retries: { max: 2, delay: 1s }
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "stuck", trigger: .cli))
        // The manual clock moves 5 s whenever every task waits on it (10 s, then the 30 s grace: eight
        // ticks, each a real loop that a loaded machine slows); the gate holds the step far longer in
        // real time (its safety net: 300 s). A lease longer than the test, so that no tick can take
        // the step back.
        let worker = h.worker(runID: run.id, lease: .seconds(3600))
        let finished = try await h.runToEnd(run.id, tick: .seconds(5), worker: worker)
        #expect(finished.state == .failed)
        let step = try #require(try await h.steps(run.id)["hang"])
        #expect(step.attempt == 1)
        #expect(
            step.error
                == "timed out after 10s and did not stop within 30s (a Swift step that never checks cancellation): "
                + "left running on its own thread (not retried: it may still write to its artifact folder)")
        #expect(gate.timeouts == 0, "the step was still blocked when the attempt ended")
    }
}
