import Engine
import FlowSpec
import Foundation
import Logging
import Steps
import Store
import TestSupport

/// A data root in a temp folder, a real store (a SQLite file, or a fresh PostgreSQL database), a manual clock and a registry with the
/// test steps below. Workflows are written as files, as users write them.
struct Harness {
    let root: URL
    let clock = ManualClock()
    let engine: Engine
    /// The same store the engine holds, for tests that set up or inspect what the engine cannot.
    let store: any Store
    let counter = AttemptCounter()

    init(database: TestDatabase = .sqlite, extraSteps: (inout StepRegistry, AttemptCounter) -> Void = { _, _ in }) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("workflows"), withIntermediateDirectories: true)
        let layout = DataLayout(root: root.appendingPathComponent("data"))
        try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        store = try await SQLStore.open(url: try await database.makeURL(in: layout.root), logger: Logger(label: "test"))
        var registry = StepRegistry.builtIn()
        registry.register(FlakyStep(counter: counter))
        extraSteps(&registry, counter)
        engine = Engine(
            store: store, registry: registry, layout: layout,
            workflowsDirectory: root.appendingPathComponent("workflows"), clock: clock)
    }

    func write(_ name: String, _ yaml: String) throws {
        try yaml.write(to: root.appendingPathComponent("workflows/\(name).yaml"), atomically: true, encoding: .utf8)
    }

    func worker(runID: String? = nil, concurrency: Int = 2, lease: Duration = .seconds(30), name: String = "w1") -> Worker {
        Worker(
            engine: engine,
            options: .init(
                name: name, concurrency: concurrency, leaseDuration: lease,
                heartbeatInterval: .seconds(10), pollInterval: .seconds(2), runID: runID))
    }

    /// Runs a worker on `runID` until the run finishes, advancing the manual clock by `tick`
    /// whenever every task is waiting on it (retries, timeouts, polls).
    func runToEnd(_ runID: String, tick: Duration = .seconds(1), maxTicks: Int = 10_000, worker: Worker? = nil) async throws -> RunRecord {
        let worker = worker ?? self.worker(runID: runID)
        let task = Task { try await worker.run() }
        var ticks = 0
        while true {
            if let run = try await store.run(id: runID), run.state.isFinished, await worker.heldSteps.isEmpty { break }
            try await Task.sleep(for: .milliseconds(5))
            if clock.sleeperCount > 0 {
                clock.advance(by: tick)
                ticks += 1
                if ticks > maxTicks { break }
            }
        }
        task.cancel()
        _ = try? await task.value
        return try await store.run(id: runID)!
    }

    func steps(_ runID: String) async throws -> [String: StepRunRecord] {
        Dictionary(uniqueKeysWithValues: try await store.steps(runID: runID).map { ($0.stepID, $0) })
    }

    func log(_ runID: String, _ step: String, attempt: Int) throws -> String {
        try String(contentsOf: engine.layout.stepLog(run: runID, step: step, attempt: attempt), encoding: .utf8)
    }
}

/// Counts attempts per step id across the test.
actor AttemptCounter {
    private var counts: [String: Int] = [:]
    func next(_ key: String) -> Int {
        counts[key, default: 0] += 1
        return counts[key]!
    }
    func count(_ key: String) -> Int { counts[key, default: 0] }
}

/// Fails its first `fail_times` attempts, then succeeds with output `attempt`.
struct FlakyStep: Step {
    static let name = "flaky"
    let counter: AttemptCounter

    func run(_ context: StepContext) async throws -> StepResult {
        let n = await counter.next(context.runID + "/" + context.stepID)
        if n <= (try context.parameters.int("fail_times", default: 0)) {
            throw StepError.failed("planned failure \(n)")
        }
        return StepResult(outputs: ["attempt": .number(Double(n))], metrics: ["attempts": Double(n)])
    }
}
