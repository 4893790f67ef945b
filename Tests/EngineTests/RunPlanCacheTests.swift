import FlowSpec
import Foundation
import Store
import Testing

@testable import Engine

/// A run's workflow is read and parsed once per worker, also when its steps start together: the
/// cache's actor is reentrant while the first miss reads the run, and the other steps must wait for
/// that parse rather than each start their own.
struct RunPlanCacheTests {
    @Test func stepsStartingTogetherParseTheRunOnce() async throws {
        let h = try await Harness()
        var yaml = "version: 1\nname: wide\nsteps:\n"
        for i in 0..<200 { yaml += "  s\(i):\n    uses: noop\n" }
        try h.write("wide", yaml)
        let run = try await h.engine.submit(SubmitRequest(workflow: "wide", trigger: .cli))
        let cache = RunPlanCache(engine: h.engine)
        let steps = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<64 { group.addTask { try await cache.plan(runID: run.id).workflow.steps.count } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(steps == Array(repeating: 200, count: 64))
        let loads = await cache.loads
        #expect(loads == 1, "64 steps starting together parsed the run \(loads) times")
    }

    @Test func aFailedReadIsNotKept() async throws {
        let h = try await Harness()
        let cache = RunPlanCache(engine: h.engine)
        await #expect(throws: EngineError.self) { try await cache.plan(runID: "no-such-run") }
        await #expect(throws: EngineError.self) { try await cache.plan(runID: "no-such-run") }
        let loads = await cache.loads
        #expect(loads == 2, "the second step tried again")
    }
}
