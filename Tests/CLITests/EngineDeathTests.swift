import Foundation
import Testing

/// A step's programs never outlive the flowrun process that runs them: `kill -9` of the engine
/// takes the step's whole process group with it, and whoever takes the step back runs it once.
@Suite struct EngineDeathTests {
    /// Writes "start <shell pid>" to trace.txt, sleeps `pause` seconds (attempt 1: `first_pause`),
    /// then writes "end <shell pid>". A background `sleep` in its group records its pid too.
    static let traced = """
        name: traced
        version: 1
        params:
          first_pause: { type: number, default: 2 }
          pause: { type: number, default: 2 }
        steps:
          work:
            run: |
              sleep 300 & echo $! > "$FLOWRUN_DATA/sleeper.$FLOWRUN_ATTEMPT.pid"
              echo "start $$" >> "$FLOWRUN_DATA/trace.txt"
              if [ "$FLOWRUN_ATTEMPT" = 1 ]; then sleep ${{ params.first_pause }}; else sleep ${{ params.pause }}; fi
              echo "end $$" >> "$FLOWRUN_DATA/trace.txt"
              kill $!
        """

    @Test func killingTheEngineKillsTheStepsWholeProcessGroup() throws {
        let cli = try CLI()
        try cli.write("workflows/traced.yaml", Self.traced)
        let (engine, _, _) = try cli.start(["run", "traced", "--param", "first_pause=300"])
        let shell = try waitForStart(cli, count: 1)[0]
        let sleeper = try pid(in: cli, "data/sleeper.1.pid")
        let group = try #require(processGroup(of: shell))
        #expect(group != getpgrp() && processGroup(of: sleeper) == group, "the step runs in a group of its own")

        kill(engine.processIdentifier, SIGKILL)
        engine.waitUntilExit()
        #expect(waitUntilGone(shell), "the step's shell dies with the engine")
        #expect(waitUntilGone(sleeper), "and so does what the shell started")
        #expect(waitUntilGone(group), "and the guard that led the group")
    }

    @Test func aKilledRunIsResumedAndItsStepRunsToItsEndExactlyOnce() throws {
        let cli = try CLI()
        try cli.write("workflows/traced.yaml", Self.traced)
        let (engine, _, _) = try cli.start(["run", "traced"])
        let first = try waitForStart(cli, count: 1)[0]
        kill(engine.processIdentifier, SIGKILL)
        engine.waitUntilExit()
        #expect(waitUntilGone(first), "the killed engine's program is gone: its end never comes")

        let id = try #require(try runIDs(cli).first)
        let resumed = try cli.run(["runs", "resume", id])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        // Attempt 2 slept as long as attempt 1 would have: had the first program lived, its end
        // would be here by now.
        let trace = try String(contentsOf: cli.directory.appendingPathComponent("data/trace.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let second = try #require(trace.last.flatMap { Int32($0.split(separator: " ").last ?? "") })
        #expect(trace == ["start \(first)", "start \(second)", "end \(second)"])

        let detail = try showJSON(cli, id)
        let attempts = try #require(detail["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["outcome"] as? String } == ["lease_expired", "succeeded"])
        let process = try #require(attempts.first?["process"] as? [String: Any], "attempt 1 recorded its program")
        #expect((process["pid"] as? Int).map(Int32.init) == first)
        let machine = try #require(process["machine"] as? [String: Any])
        #expect(
            machine["boot_id"] as? String
                == (try String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))
                .trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(machine["host"] as? String == ProcessInfo.processInfo.hostName)
    }

    @Test func aWorkerStartingOnTheSameHostTakesBackADeadWorkersStepAtOnce() throws {
        let cli = try CLI()
        try cli.write("workflows/traced.yaml", Self.traced)
        let submitted = try cli.run(["run", "traced", "--detach", "--param", "first_pause=300", "--param", "pause=0"])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        // Leases far longer than the test: only the take-back at start can bring the step back.
        let (dead, _, _) = try cli.start(["worker", "--lease", "600", "--concurrency", "1"])
        let first = try waitForStart(cli, count: 1)[0]
        kill(dead.processIdentifier, SIGKILL)
        dead.waitUntilExit()
        #expect(waitUntilGone(first))

        let (worker, _, _) = try cli.start(["worker", "--lease", "600", "--concurrency", "1"])
        defer {
            kill(worker.processIdentifier, SIGTERM)
            worker.waitUntilExit()
        }
        let finished = waitFor(seconds: 60) { (try? runState(cli)) == "succeeded" }
        #expect(finished, "the new worker took the step back at start and ran it")
        let trace = try String(contentsOf: cli.directory.appendingPathComponent("data/trace.txt"), encoding: .utf8)
        #expect(trace.split(separator: "\n").filter { $0.hasPrefix("end") }.count == 1)
        let id = try #require(try runIDs(cli).first)
        let attempts = try #require(try showJSON(cli, id)["attempts"] as? [[String: Any]])
        #expect((attempts.first?["error"] as? String)?.contains("is gone") == true, "\(attempts)")
    }

    @Test func aStoppedWorkersExpiredStepIsTakenBackAndItsProgramKilledFirst() throws {
        let cli = try CLI()
        try cli.write("workflows/traced.yaml", Self.traced)
        #expect(try cli.run(["run", "traced", "--detach", "--param", "first_pause=300", "--param", "pause=0"]).status == 0)
        let (stopped, _, _) = try cli.start(["worker", "--lease", "3", "--concurrency", "1"])
        defer {
            kill(stopped.processIdentifier, SIGKILL)
            stopped.waitUntilExit()
        }
        let first = try waitForStart(cli, count: 1)[0]
        // Alive but silent (a frozen machine, a long pause): its lease runs out, its program does not.
        kill(stopped.processIdentifier, SIGSTOP)

        let (worker, _, _) = try cli.start(["worker", "--lease", "3", "--concurrency", "1"])
        defer {
            kill(worker.processIdentifier, SIGTERM)
            worker.waitUntilExit()
        }
        #expect(waitUntilGone(first, seconds: 60), "the worker that took the lease back killed the old program")
        #expect(waitFor(seconds: 60) { (try? runState(cli)) == "succeeded" })
        let id = try #require(try runIDs(cli).first)
        let runLog = try String(contentsOf: cli.directory.appendingPathComponent("data/logs/\(id)/run.log"), encoding: .utf8)
        #expect(runLog.contains("work attempt 1: killed process group"), "\(runLog)")
        let trace = try String(contentsOf: cli.directory.appendingPathComponent("data/trace.txt"), encoding: .utf8)
        #expect(trace.split(separator: "\n").filter { $0.hasPrefix("end") }.count == 1)
    }

    // MARK: Helpers

    /// The shell pids of the first `count` "start" lines of trace.txt, within 60 s.
    func waitForStart(_ cli: CLI, count: Int) throws -> [Int32] {
        let trace = cli.directory.appendingPathComponent("data/trace.txt")
        var pids: [Int32] = []
        let started = waitFor(seconds: 60) {
            let lines = ((try? String(contentsOf: trace, encoding: .utf8)) ?? "").split(separator: "\n")
            pids = lines.filter { $0.hasPrefix("start ") }.compactMap { Int32($0.dropFirst(6)) }
            return pids.count >= count
        }
        guard started else { throw CLITestError("no 'start' in trace.txt after 60 s") }
        return pids
    }

    func pid(in cli: CLI, _ path: String) throws -> Int32 {
        let url = cli.directory.appendingPathComponent(path)
        var value: Int32?
        _ = waitFor(seconds: 10) {
            value = (try? String(contentsOf: url, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            return value != nil
        }
        guard let value else { throw CLITestError("no pid in \(path)") }
        return value
    }

    /// Field 5 of /proc/PID/stat.
    func processGroup(of pid: Int32) -> Int32? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 2 ? Int32(fields[2]) : nil
    }

    /// True once `pid` has ended (a zombie nobody reaped has ended), within `seconds`.
    func waitUntilGone(_ pid: Int32, seconds: Double = 10) -> Bool {
        waitFor(seconds: seconds) {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = text.lastIndex(of: ")")
            else { return true }
            return text[text.index(after: close)...].split(separator: " ").first == "Z"
        }
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` have passed.
    func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }

    func runIDs(_ cli: CLI) throws -> [String] {
        let list = try cli.run(["runs", "list", "--json"])
        let runs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        return runs.compactMap { $0["id"] as? String }
    }

    func runState(_ cli: CLI) throws -> String? {
        let list = try cli.run(["runs", "list", "--json"])
        let runs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        return runs?.first?["state"] as? String
    }

    func showJSON(_ cli: CLI, _ id: String) throws -> [String: Any] {
        let show = try cli.run(["runs", "show", id, "--json"])
        return try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any] ?? [:]
    }
}

struct CLITestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
