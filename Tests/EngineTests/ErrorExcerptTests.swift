import Engine
import FlowSpec
import Foundation
import Store
import TestSupport
import Testing

/// A failed attempt stores the last lines its step wrote (issue 17): what the CLI summary, the runs
/// table and the run page show as the cause.
@Suite struct ErrorExcerptTests {
    @Test(arguments: TestDatabase.all) func eachFailedAttemptKeepsItsLastLines(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        // 30 lines, the last on stderr, each naming its attempt; then exit 3.
        try h.write(
            "noisy",
            """
            name: noisy
            version: 1
            steps:
              ok:
                run: echo fine
              fail:
                needs: [ok]
                run: |
                  i=1; while [ $i -le 29 ]; do echo "attempt $FLOWRUN_ATTEMPT line $i"; i=$((i+1)); done
                  echo "attempt $FLOWRUN_ATTEMPT: ValueError: column 'x' is empty" >&2
                  exit 3
                retries: 1
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "noisy", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)

        let attempts = try await h.store.attempts(runID: run.id)
        let failed = attempts.filter { $0.stepID == "fail" }.sorted { $0.attempt < $1.attempt }
        #expect(failed.count == 2)
        for attempt in failed {
            let excerpt = try #require(attempt.errorExcerpt)
            let lines = excerpt.split(separator: "\n").map(String.init)
            #expect(lines.count == ErrorExcerpt.maxLines)
            #expect(lines.last == "attempt \(attempt.attempt): ValueError: column 'x' is empty")
            // The newest lines: 11…29 before the stderr line, none of the engine's own ("failed: …").
            #expect(lines.first == "attempt \(attempt.attempt) line 11")
            #expect(!excerpt.contains("failed:") && !excerpt.contains("will retry"))
        }
        #expect(attempts.first { $0.stepID == "ok" }?.errorExcerpt == nil)

        // The run list carries the newest excerpt of a failed run.
        let summary = try #require(try await h.store.runSummaries(RunQuery()).first { $0.id == run.id })
        #expect(summary.errorExcerpt == failed.last?.errorExcerpt)
        #expect(ErrorExcerpt.lastLine(summary.errorExcerpt ?? "") == "attempt 2: ValueError: column 'x' is empty")
    }

    @Test(arguments: TestDatabase.all) func aSucceededOrSilentRunHasNone(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write(
            "mixed",
            """
            name: mixed
            version: 1
            steps:
              talk:
                run: echo hello
              silent:
                run: exit 4
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "mixed", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        // A silent program has no lines of its own: its error ("exited with status 4") says it all.
        // (flowrun's "started pid" line is not the program's, and may land after its output.)
        let silent = try #require(try await h.store.attempts(runID: run.id).first { $0.stepID == "silent" })
        #expect(silent.errorExcerpt == nil)
        #expect(silent.error?.contains("exited with status 4") == true)
        #expect(try await h.store.attempts(runID: run.id).first { $0.stepID == "talk" }?.errorExcerpt == nil)

        try h.write("fine", "name: fine\nversion: 1\nsteps:\n  a:\n    run: echo ok\n")
        let good = try await h.engine.submit(SubmitRequest(workflow: "fine", trigger: .cli))
        #expect(try await h.runToEnd(good.id).state == .succeeded)
        #expect(try await h.store.runSummaries(RunQuery()).first { $0.id == good.id }?.errorExcerpt == nil)
    }

    @Test func theExcerptIsBoundedCleanAndWholeCharacters() {
        // 2 KiB of UTF-8 at most, cut between characters (a 4-byte emoji never halved).
        let long = String(repeating: "é🙂", count: 1000)
        let excerpt = try! #require(ErrorExcerpt.make(["first", long]))
        #expect(excerpt.utf8.count <= ErrorExcerpt.maxBytes)
        #expect(excerpt.hasPrefix("…") && excerpt.hasSuffix("é🙂"))
        #expect(!excerpt.contains("first"))
        // Blank lines are skipped, terminal escapes replaced, at most 20 lines kept.
        let lines = (1...40).map { "line \($0)" } + ["", "  ", "\u{1B}[31mred\u{1B}[0m"]
        let cleaned = try! #require(ErrorExcerpt.make(lines))
        #expect(cleaned.split(separator: "\n").count == 20)
        #expect(cleaned.hasSuffix("line 40\n\u{FFFD}[31mred\u{FFFD}[0m"))
        #expect(cleaned.hasPrefix("line 22\n"))
        #expect(ErrorExcerpt.make(["", " "]) == nil)
    }

    @Test func recentLinesKeepsTheNewestAndSplitsMessages() {
        let recent = RecentLines(capacity: 3)
        recent.append("a")
        recent.append("b\nc\nd")
        recent.append("e")
        #expect(recent.all == ["c", "d", "e"])
    }
}
