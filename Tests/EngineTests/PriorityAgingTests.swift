import Engine
import Foundation
import Store
import TestSupport
import Testing

/// Priorities through the engine, with the harness's manual clock as the submission time: the
/// workflow's `priority:`, a submit's override, FIFO within a priority, and aging (a level is worth
/// `SQLStore.agingSeconds` of waiting), with no sleep.
@Suite struct PriorityAgingTests {
    @Test(arguments: TestDatabase.all) func higherFirstFIFOWithinAndAStarvingRunAdvances(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write("low", "name: low\nversion: 1\nsteps:\n  s: { uses: noop }\n")
        try h.write("urgent", "name: urgent\nversion: 1\npriority: 1\nsteps:\n  s: { uses: noop }\n")
        let first = try await h.engine.submit(SubmitRequest(workflow: "low", trigger: .api))
        h.clock.advance(by: .seconds(10))
        let second = try await h.engine.submit(SubmitRequest(workflow: "low", trigger: .api))
        h.clock.advance(by: .seconds(10))
        let urgent = try await h.engine.submit(SubmitRequest(workflow: "urgent", trigger: .api))
        #expect(urgent.priority == 1)
        var boosted = SubmitRequest(workflow: "low", trigger: .api)
        boosted.priority = 3
        let overridden = try await h.engine.submit(boosted)
        // The first low run has now waited longer than one level is worth.
        h.clock.advance(by: .seconds(SQLStore.agingSeconds + 30))
        let late = try await h.engine.submit(SubmitRequest(workflow: "urgent", trigger: .api))

        var order: [String] = []
        for _ in 0..<5 {
            let now = h.clock.now()
            order += try await h.store.claimReadySteps(worker: "w", runID: nil, limit: 1, now: now, leaseUntil: now + 30).map(\.runID)
        }
        #expect(order == [overridden.id, urgent.id, first.id, second.id, late.id])
    }
}
