import Engine
import FlowSpec
import Foundation
import Store
import TestSupport
import Testing

@Suite struct RunLifecycleTests {
    @Test(arguments: TestDatabase.all) func diamondRunsInOrderAndPassesOutputs(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write(
            "diamond",
            """
            name: diamond
            version: 1
            params:
              greeting: { type: string, default: hello }
            steps:
              a:
                uses: noop
                with: { word: "${{ params.greeting }}" }
              b:
                uses: noop
                needs: [a]
                with: { echo: "${{ steps.a.outputs.word }} from b" }
              c:
                uses: noop
                needs: [a]
                with: { n: 3 }
              d:
                uses: noop
                needs: [b, c]
                with: { joined: "${{ steps.b.outputs.echo }}/${{ steps.c.outputs.n }}" }
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "diamond", params: ["greeting": "hi"], trigger: .cli))
        let finished = try await h.runToEnd(run.id)
        #expect(finished.state == .succeeded)
        let steps = try await h.steps(run.id)
        #expect(steps["d"]?.outputs["joined"] == #""hi from b/3""#)
        #expect(steps.values.allSatisfy { $0.attempt == 1 && $0.state == .succeeded })
        let runLog = try String(contentsOf: h.engine.layout.runLog(run: run.id), encoding: .utf8)
        #expect(runLog.contains("d attempt 1 by w1 succeeded"))
    }

    @Test(arguments: TestDatabase.all) func retriesWaitForTheirBackoffOnTheClock(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write(
            "flaky",
            """
            name: flaky
            version: 1
            steps:
              f:
                uses: flaky
                with: { fail_times: 2 }
                retries: { max: 3, delay: 10s, backoff: exponential }
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "flaky", trigger: .cli))
        let start = h.clock.now()
        let finished = try await h.runToEnd(run.id, tick: .seconds(1))
        #expect(finished.state == .succeeded)
        let f = try await h.steps(run.id)["f"]!
        #expect(f.attempt == 3)
        // 10 s after the first failure, 20 s after the second: the clock moved at least 30 s.
        #expect(h.clock.now().timeIntervalSince(start) >= 30)
        #expect(try h.log(run.id, "f", attempt: 1).contains("will retry in 10s"))
        #expect(try h.log(run.id, "f", attempt: 2).contains("will retry in 20s"))
        let attempts = try await h.store.attempts(runID: run.id)
        #expect(attempts.map(\.outcome) == ["failed", "failed", "succeeded"])
    }

    @Test(arguments: TestDatabase.all) func failureMarksDownstreamAndRetryRunResumes(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write(
            "breaks",
            """
            name: breaks
            version: 1
            steps:
              ok:
                uses: noop
                with: { v: 1 }
              bad:
                uses: flaky
                needs: [ok]
                with: { fail_times: 1 }
                retries: 0
              after:
                uses: noop
                needs: [bad]
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "breaks", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        var steps = try await h.steps(run.id)
        #expect(steps["bad"]?.state == .failed)
        #expect(steps["bad"]?.error?.contains("planned failure 1") == true)
        #expect(steps["after"]?.state == .upstreamFailed)

        try await h.engine.retry(runID: run.id)
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        steps = try await h.steps(run.id)
        #expect(steps["ok"]?.attempt == 1, "a succeeded step is not run again")
        #expect(steps["bad"]?.attempt == 2)
        #expect(steps["after"]?.state == .succeeded)
    }

    @Test(arguments: TestDatabase.all) func falseConditionSkipsTheStepAndItsDependents(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write(
            "cond",
            """
            name: cond
            version: 1
            params:
              model_type: { type: string, default: ridge }
            steps:
              only_forest:
                uses: noop
                if: ${{ params.model_type == 'random_forest' }}
              after:
                uses: noop
                needs: [only_forest]
              always:
                uses: noop
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "cond", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        let steps = try await h.steps(run.id)
        #expect(steps["only_forest"]?.state == .skipped)
        #expect(steps["after"]?.state == .skipped)
        #expect(steps["always"]?.state == .succeeded)
    }

    @Test(arguments: TestDatabase.all) func expiredLeaseOfADeadWorkerIsTakenBackAndCountedAsAnAttempt(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        // No retries: a crash does not use up the retry budget.
        try h.write("one", "name: one\nversion: 1\nsteps:\n  s:\n    uses: noop\n")
        let run = try await h.engine.submit(SubmitRequest(workflow: "one", trigger: .cli))
        // A worker that claims and then dies: nothing but its lease remains.
        let now = h.clock.now()
        let claimed = try await h.store.claimReadySteps(
            worker: "dead", runID: run.id, limit: 1, now: now,
            leaseUntil: now.addingTimeInterval(30))
        #expect(claimed.count == 1)
        let finished = try await h.runToEnd(run.id, tick: .seconds(5))
        #expect(finished.state == .succeeded)
        let attempts = try await h.store.attempts(runID: run.id)
        #expect(attempts.map(\.worker) == ["dead", "w1"])
        #expect(attempts.first?.outcome == "lease_expired")
    }

    @Test(arguments: TestDatabase.all) func refusedSubmissionsWriteNothing(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write(
            "needs-data",
            """
            name: needs-data
            version: 1
            inputs:
              dataset: { type: dataset, required: true }
            params:
              model_type: { type: string, default: linear, enum: [linear, logistic] }
            steps:
              s:
                uses: noop
                with: { path: "${{ inputs.dataset.path }}" }
            """)
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString).csv")
        try "a,b\n1,2\n".write(to: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: outside) }

        await #expect(throws: EngineError.pathOutsideRoots(path: outside.path, roots: [h.engine.layout.root.path])) {
            try await h.engine.submit(SubmitRequest(workflow: "needs-data", datasetPath: outside.path, trigger: .cli))
        }
        // Outside the roots, a missing file gets the same answer as an existing one: nothing is revealed.
        await #expect(throws: EngineError.pathOutsideRoots(path: "/nope/missing.csv", roots: [h.engine.layout.root.path])) {
            try await h.engine.submit(SubmitRequest(workflow: "needs-data", datasetPath: "/nope/missing.csv", trigger: .cli))
        }
        let missingInside = h.engine.layout.inbound.appendingPathComponent("missing.csv").path
        await #expect(throws: EngineError.fileNotFound(missingInside)) {
            try await h.engine.submit(SubmitRequest(workflow: "needs-data", datasetPath: missingInside, trigger: .cli))
        }
        // A named pipe: reading it to hash it would wait for a writer for ever.
        let pipe = h.engine.layout.inbound.appendingPathComponent("pipe.csv").path
        try FileManager.default.createDirectory(at: h.engine.layout.inbound, withIntermediateDirectories: true)
        #expect(mkfifo(pipe, 0o600) == 0)
        await #expect(throws: EngineError.unreadable(path: pipe, reason: "it is not a regular file (a pipe, a device or a socket)")) {
            try await h.engine.submit(SubmitRequest(workflow: "needs-data", datasetPath: pipe, trigger: .cli))
        }
        await #expect(throws: EngineError.missingInput("dataset")) {
            try await h.engine.submit(SubmitRequest(workflow: "needs-data", trigger: .cli))
        }
        let inside = h.engine.layout.inbound.appendingPathComponent("x.csv")
        try FileManager.default.createDirectory(at: h.engine.layout.inbound, withIntermediateDirectories: true)
        try "a,b\n1,2\n".write(to: inside, atomically: true, encoding: .utf8)
        do {
            _ = try await h.engine.submit(
                SubmitRequest(
                    workflow: "needs-data", params: ["model_type": "forest"],
                    datasetPath: inside.path, trigger: .cli))
            Issue.record("a param outside its enum must be refused")
        } catch let error as EngineError {
            #expect("\(error)".contains("model_type"))
        }
        await #expect(throws: EngineError.self) {
            try await h.engine.submit(SubmitRequest(workflow: "no-such-workflow", trigger: .cli))
        }
        #expect(try await h.store.runs(RunQuery()).isEmpty)

        let accepted = try await h.engine.submit(SubmitRequest(workflow: "needs-data", datasetPath: inside.path, trigger: .cli))
        #expect(accepted.datasetID != nil)
        #expect(try await h.store.runs(RunQuery()).count == 1)
    }
}
