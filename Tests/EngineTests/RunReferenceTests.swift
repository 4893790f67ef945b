import Engine
import FlowSpec
import Foundation
import Store
import TestSupport
import Testing

/// `latest`, `latest~N`, `latest:WORKFLOW` and id prefixes, resolved by the engine for the CLI and the API alike.
@Suite struct RunReferenceTests {
    @Test(arguments: TestDatabase.all) func latestCountsBackByWorkflowOrOverAll(database: TestDatabase) async throws {
        let h = try await ExperimentFixtures.harness(database)
        await #expect(throws: EngineError.runNotFound("latest")) { _ = try await h.engine.resolveRunID("latest") }
        let a = try await ExperimentFixtures.run(h, [:])
        let b = try await ExperimentFixtures.run(h, ["model_type": "lasso"])
        h.clock.advance(by: .seconds(1))
        let other = try await h.engine.submit(SubmitRequest(workflow: "other", trigger: .cli)).id

        #expect(try await h.engine.resolveRunID("latest") == other)
        #expect(try await h.engine.resolveRunID("latest~0") == other)
        #expect(try await h.engine.resolveRunID("latest~1") == b)
        #expect(try await h.engine.resolveRunID("latest~2") == a)
        #expect(try await h.engine.resolveRunID("latest:scored") == b)
        #expect(try await h.engine.resolveRunID("latest~1:scored") == a)
        #expect(try await h.engine.resolveRun("latest:other").id == other)
        await #expect(throws: RunReferenceError.tooFewRuns("latest~2:scored", found: 2, workflow: "scored")) {
            _ = try await h.engine.resolveRunID("latest~2:scored")
        }
        await #expect(throws: RunReferenceError.tooFewRuns("latest~3", found: 3, workflow: nil)) {
            _ = try await h.engine.resolveRunID("latest~3")
        }
    }

    @Test(arguments: TestDatabase.all) func aUniquePrefixNamesItsRunAndAnAmbiguousOneListsTheCandidates(database: TestDatabase) async throws
    {
        let h = try await ExperimentFixtures.harness(database)
        // Submitted in one second of the manual clock: the ids share their time part.
        var ids: [String] = []
        for _ in 0..<3 { ids.append(try await h.engine.submit(SubmitRequest(workflow: "other", trigger: .cli)).id) }
        let stamp = String(ids[0].prefix(15))  // 20261126-190501
        #expect(ids.allSatisfy { $0.hasPrefix(stamp) })
        #expect(try await h.engine.resolveRunID(ids[1]) == ids[1])
        // The shortest prefix unique among the three (the random part tells them apart).
        for id in ids {
            let unique = (16...id.count).lazy.map { String(id.prefix($0)) }.first { p in ids.filter { $0.hasPrefix(p) }.count == 1 }!
            #expect(try await h.engine.resolveRunID(unique) == id)
        }
        do {
            _ = try await h.engine.resolveRunID(stamp)
            Issue.record("an ambiguous prefix resolved")
        } catch let error as RunReferenceError {
            #expect(error == .ambiguous(stamp, candidates: ids.sorted(), more: false))
            #expect(error.description.contains(ids.sorted()[0]))
            #expect(error.description.contains("ambiguous"))
        }
        await #expect(throws: EngineError.runNotFound("19990101")) { _ = try await h.engine.resolveRunID("19990101") }
        // Not id characters: no prefix lookup, a plain not-found (LIKE wildcards mean nothing here).
        await #expect(throws: EngineError.runNotFound("2026%")) { _ = try await h.engine.resolveRunID("2026%") }
    }

    @Test func malformedReferencesAreRefusedWithTheReason() throws {
        #expect(throws: RunReferenceError.self) { try RunReference.parse("") }
        #expect(throws: RunReferenceError.self) { try RunReference.parse("latest~x") }
        #expect(throws: RunReferenceError.self) { try RunReference.parse("latest~-1") }
        #expect(throws: RunReferenceError.self) { try RunReference.parse("latest:../etc") }
        #expect(throws: RunReferenceError.self) { try RunReference.parse("latestish") }
        #expect(try RunReference.parse("latest~12:exam-pipeline") == .latest(back: 12, workflow: "exam-pipeline"))
        #expect(try RunReference.parse("20261126") == .id("20261126"))
        let error = try #require(throws: RunReferenceError.self) { try RunReference.parse("latest~x") }
        #expect(error.description.contains("latest~N"))
    }
}
