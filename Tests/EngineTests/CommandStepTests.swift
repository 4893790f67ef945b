import Engine
import FlowSpec
import Foundation
import Store
import Testing

/// `run:` steps with real processes; time comes from the manual clock.
@Suite struct CommandStepTests {
    @Test func outputsEnvironmentAndLogs() async throws {
        let h = try await Harness()
        try h.write(
            "cmd",
            """
            name: cmd
            version: 1
            params:
              who: { type: string, default: bench }
            steps:
              hello:
                run: echo "hello $WHO from $FLOWRUN_STEP"; echo "::output greeting=hi $WHO"; echo oops >&2
                env: { WHO: "${{ params.who }}" }
              argv:
                needs: [hello]
                run: ["printf", "%s\\n", "${{ steps.hello.outputs.greeting }}"]
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "cmd", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        let steps = try await h.steps(run.id)
        #expect(steps["hello"]?.outputs["greeting"] == #""hi bench""#)
        let log = try h.log(run.id, "hello", attempt: 1)
        #expect(log.contains("hello bench from hello"))
        #expect(log.contains("oops"))
        #expect(try h.log(run.id, "argv", attempt: 1).contains(" hi bench\n"))
    }

    @Test func missingProgramAndNonZeroExitFailWithTheReason() async throws {
        let h = try await Harness()
        try h.write(
            "bad",
            """
            name: bad
            version: 1
            steps:
              missing:
                run: ["definitely-not-a-program-xyz", "--flag"]
                retries: 0
              exits:
                run: "echo about to fail; exit 3"
                retries: 0
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "bad", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        let steps = try await h.steps(run.id)
        #expect(steps["missing"]?.error == "command not found: definitely-not-a-program-xyz")
        #expect(steps["exits"]?.error == "/bin/sh exited with status 3")
        #expect(try h.log(run.id, "exits", attempt: 1).contains("about to fail"))
    }

    @Test func timeoutKillsTheWholeProcessGroup() async throws {
        let h = try await Harness()
        let marker = h.root.appendingPathComponent("child.pid")
        try h.write(
            "slow",
            """
            name: slow
            version: 1
            steps:
              hang:
                run: "sleep 300 & echo $! > \(marker.path); wait"
                timeout: 5s
                retries: 0
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "slow", trigger: .cli))
        #expect(try await h.runToEnd(run.id, tick: .seconds(1)).state == .failed)
        #expect(try await h.steps(run.id)["hang"]?.error == "timed out after 5s")
        // The grandchild `sleep` was in the step's process group: it is gone too.
        let pid = Int32(try String(contentsOf: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))!
        var gone = false
        for _ in 0..<100 {
            if kill(pid, 0) == -1 { gone = true; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(gone)
    }

    @Test func cancelStopsARunningCommand() async throws {
        let h = try await Harness()
        try h.write(
            "long",
            """
            name: long
            version: 1
            steps:
              wait:
                run: "sleep 300"
              after:
                uses: noop
                needs: [wait]
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "long", trigger: .cli))
        let worker = h.worker(runID: run.id)
        let task = Task { try await worker.run() }
        while try await h.steps(run.id)["wait"]?.state != .running { try await Task.sleep(for: .milliseconds(10)) }
        // Running in the store is not yet held by the worker (its claim's answer may still be on the way):
        // a heartbeat before that would have nothing to stop.
        while await worker.heldSteps.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        try await h.engine.cancel(runID: run.id)
        await worker.heartbeat()  // the heartbeat is where a worker learns of the cancel
        try await task.value
        let steps = try await h.steps(run.id)
        #expect(steps["wait"]?.state == .canceled)
        #expect(steps["after"]?.state == .canceled)
        #expect(try await h.store.run(id: run.id)?.state == .canceled)
        await #expect(throws: StoreError.self) { try await h.engine.cancel(runID: run.id) }
    }

    @Test func megabytesOfOutputAreCappedInTheLog() async throws {
        let h = try await Harness()
        try h.write(
            "loud",
            """
            name: loud
            version: 1
            steps:
              loud:
                run: "yes 'a fairly long line of output from a chatty program' | head -c 40000000"
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "loud", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        let size =
            try FileManager.default.attributesOfItem(atPath: h.engine.layout.stepLog(run: run.id, step: "loud", attempt: 1).path)[.size]
            as! Int
        #expect(size <= 21 << 20)
        #expect(try h.log(run.id, "loud", attempt: 1).contains("[log truncated at"))
    }
}

/// A full disk while writing a step's log: the attempt fails with the reason, the run stays consistent.
@Suite struct FullDiskTests {
    @Test func aLogThatCannotBeWrittenFailsTheAttemptClearly() async throws {
        let h = try await Harness()
        try h.write("chatty", "name: chatty\nversion: 1\nsteps:\n  talk:\n    run: echo hello\n")
        let run = try await h.engine.submit(SubmitRequest(workflow: "chatty", trigger: .cli))
        // /dev/full answers every write with ENOSPC, as a full disk does.
        let log = h.engine.layout.stepLog(run: run.id, step: "talk", attempt: 1)
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: log.path, withDestinationPath: "/dev/full")
        #expect(try await h.runToEnd(run.id).state == .failed)
        let step = try #require(try await h.steps(run.id)["talk"])
        #expect(step.state == .failed)
        #expect(step.error?.contains("No space left on device") == true, "\(step.error ?? "")")
    }
}
