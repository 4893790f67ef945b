import Engine
import FlowSpec
import Foundation
import Store
import Testing

/// Bad input fails a step at once, whatever its `retries:`; what a retry may fix is retried.
@Suite struct NotRetriedTests {
    @Test func aMalformedCSVFailsAfterTheFirstAttempt() async throws {
        let h = try await Harness()
        let csv = h.root.appendingPathComponent("ragged.csv")
        try "exam_id,timestamp,x,label\nA,1,1,pass\nB,2\n".write(to: csv, atomically: true, encoding: .utf8)
        try h.write(
            "ragged",
            """
            name: ragged
            version: 1
            steps:
              prep:
                uses: preprocess
                with: { input: "\(csv.path)" }
                retries: 3
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "ragged", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        let step = try #require(try await h.steps(run.id)["prep"])
        #expect(step.attempt == 1)
        #expect(step.error == "\(csv.path): row 3: expected 4 cells like the header, found 2 (not retried: the input is invalid)")
        let log = try h.log(run.id, "prep", attempt: 1)
        #expect(log.contains("(not retried: the input is invalid)") && !log.contains("will retry"))
        #expect(try await h.store.attempts(runID: run.id).count == 1)
    }

    @Test func aBadParameterIsNotRetried() async throws {
        let h = try await Harness()
        try h.write(
            "window",
            """
            name: window
            version: 1
            steps:
              prep:
                uses: preprocess
                with: { input: whatever.csv, window: 1 }
                retries: 2
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "window", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        let step = try #require(try await h.steps(run.id)["prep"])
        #expect(step.attempt == 1)
        #expect(
            step.error
                == "with.window: expected an integer ≥ 2 (samples) or a fraction in (0, 1) of each exam's length, got number 1 (not retried: the input is invalid)"
        )
    }

    @Test func aFailingCommandIsStillRetried() async throws {
        let h = try await Harness()
        try h.write(
            "exit",
            """
            name: exit
            version: 1
            steps:
              fail:
                run: exit 3
                retries: 2
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "exit", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        let step = try #require(try await h.steps(run.id)["fail"])
        #expect(step.attempt == 3)
        #expect(step.error == "/bin/sh exited with status 3")
    }

    /// A file that is not there yet may be there on the next attempt (a slow copy, a remount).
    @Test func aMissingInputFileIsRetried() async throws {
        let h = try await Harness()
        try h.write(
            "missing",
            """
            name: missing
            version: 1
            steps:
              prep:
                uses: preprocess
                with: { input: not-yet.csv }
                retries: 1
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "missing", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        let step = try #require(try await h.steps(run.id)["prep"])
        #expect(step.attempt == 2)
        #expect(step.error == "with.input: not-yet.csv: no such file")
    }
}
