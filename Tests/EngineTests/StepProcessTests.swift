import Engine
import Foundation
import Steps
import Store
import Testing

/// The programs attempts start: recorded with the attempt, and killed when a dead worker's step is
/// taken back on this machine — only when the group is certainly the recorded one.
@Suite struct StepProcessTests {
    static let oneStep = """
        name: one
        version: 1
        steps:
          only:
            uses: noop
        """

    @Test func aCommandsAttemptRecordsItsProgramPidGroupHostAndBoot() async throws {
        let h = try await Harness()
        try h.write("cmd", "name: cmd\nversion: 1\nsteps:\n  hello:\n    run: echo hello\n")
        let run = try await h.engine.submit(SubmitRequest(workflow: "cmd", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        let process = try #require(try await h.store.attempts(runID: run.id).first?.process)
        #expect(process.machine == Machine.local)
        #expect(
            process.machine.bootID
                == (try String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))
                .trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(process.pid > 0 && process.processGroup > 0 && process.pid != process.processGroup)
        #expect(process.leaderStartTicks != nil)
        #expect(try h.log(run.id, "hello", attempt: 1).contains("started pid \(process.pid)"))
    }

    @Test func aDeadWorkersStepIsTakenBackAndTheGroupItLeftIsKilled() async throws {
        let h = try await Harness()
        let (key, group) = try await holdStepWithProgram(h, worker: "ghost", workerPID: try deadPID())
        let taken = try await h.engine.takeBackFromDeadWorkers(replacing: "w1")
        #expect(taken.map(\.key) == [key])
        #expect(try await h.steps(key.runID)["only"]?.state == .ready)
        #expect(try await h.store.workers(since: .distantPast).isEmpty)
        #expect(reap(group) == 128 + SIGKILL, "the leftover group was killed")
        let runLog = try String(contentsOf: h.engine.layout.runLog(run: key.runID), encoding: .utf8)
        #expect(runLog.contains("only attempt 1: killed process group \(group)"))
        let events = try await h.store.events(runID: key.runID, after: 0, limit: 100)
        #expect(events.contains { $0.kind == "process_killed" })
    }

    @Test func aGroupWhoseNumberNowNamesAnotherProcessIsLeftAlone() async throws {
        let h = try await Harness()
        let (key, group) = try await holdStepWithProgram(h, worker: "ghost", workerPID: try deadPID(), startTicksOffset: -1)
        #expect(try await h.engine.takeBackFromDeadWorkers(replacing: "w1").map(\.key) == [key])
        #expect(ProcessTable.groupExists(group), "a leader started at another time is not the recorded one")
        kill(-group, SIGKILL)
        #expect(reap(group) == 128 + SIGKILL)
    }

    @Test func aGroupInAnotherPidNamespaceIsLeftAlone() async throws {
        let h = try await Harness()
        var container = Machine.local
        container.pidNamespace = "pid:[1]"
        // A restarted container's former worker under the same name: its step is taken back, but the
        // group number it recorded means nothing here.
        let (key, group) = try await holdStepWithProgram(h, worker: "w1", workerPID: 1, machine: container)
        #expect(try await h.engine.takeBackFromDeadWorkers(replacing: "w1").map(\.key) == [key])
        #expect(ProcessTable.groupExists(group))
        kill(-group, SIGKILL)
        #expect(reap(group) == 128 + SIGKILL)
    }

    @Test func workersThatMayBeAliveAreLeftToTheirLeases() async throws {
        let h = try await Harness()
        try h.write("one", Self.oneStep)
        let local = Machine.local
        var otherBoot = local
        otherBoot.bootID = "another boot"
        var otherHost = local
        otherHost.host += "-other"
        var otherNamespace = local
        otherNamespace.pidNamespace = "pid:[1]"
        let live = getppid()
        let workers: [(String, WorkerProcess?)] = [
            ("alive-here", WorkerProcess(machine: local, pid: live)),
            ("other-host", WorkerProcess(machine: otherHost, pid: try deadPID())),
            ("other-boot", WorkerProcess(machine: otherBoot, pid: try deadPID())),
            ("other-namespace", WorkerProcess(machine: otherNamespace, pid: try deadPID())),
            ("no-process", nil),
            ("w1", WorkerProcess(machine: otherNamespace, pid: 1)),  // the starting worker's former life
        ]
        var runs: [String: String] = [:]
        let now = h.clock.now()
        for (name, process) in workers {
            let run = try await h.engine.submit(SubmitRequest(workflow: "one", trigger: .cli))
            runs[name] = run.id
            _ = try #require(try await h.store.claimReadyStep(worker: name, runID: run.id, now: now, leaseUntil: now + 3600))
            try await h.store.heartbeatWorker(
                WorkerRecord(
                    name: name, host: process?.machine.host ?? "old", startedAt: now,
                    lastHeartbeat: now, stepsHeld: 1, process: process))
        }
        let taken = try await h.engine.takeBackFromDeadWorkers(replacing: "w1")
        #expect(taken.map(\.key.runID) == [runs["w1"]])
        #expect(Set(try await h.store.workers(since: .distantPast).map(\.name)) == Set(workers.map(\.0)).subtracting(["w1"]))
    }

    // MARK: Helpers

    /// Submits a one-step run, claims its step as `worker` (recorded as pid `workerPID` on `machine`)
    /// and starts a real program in a group of its own, recorded as the attempt's.
    func holdStepWithProgram(
        _ h: Harness, worker: String, workerPID: Int32, machine: Machine = .local,
        startTicksOffset: Int64 = 0
    ) async throws -> (StepAttemptKey, pid_t) {
        try h.write("one", Self.oneStep)
        let run = try await h.engine.submit(SubmitRequest(workflow: "one", trigger: .cli))
        let now = h.clock.now()
        let step = try #require(try await h.store.claimReadyStep(worker: worker, runID: run.id, now: now, leaseUntil: now + 3600))
        try await h.store.heartbeatWorker(
            WorkerRecord(
                name: worker, host: machine.host, startedAt: now, lastHeartbeat: now, stepsHeld: 1,
                process: WorkerProcess(machine: machine, pid: workerPID)))
        let group = try spawnInNewGroup(["/bin/sleep", "300"])
        let ticks = try #require(ProcessTable.startTicks(of: group))
        let key = StepAttemptKey(runID: run.id, stepID: step.stepID, attempt: step.attempt)
        let process = AttemptProcess(
            machine: machine, pid: group, processGroup: group,
            leaderStartTicks: UInt64(Int64(ticks) + startTicksOffset))
        #expect(try await h.store.recordAttemptProcess(key, worker: worker, process: process))
        return (key, group)
    }

    /// Starts `argv` as the leader of a new process group; returns its pid (= the group).
    func spawnInNewGroup(_ argv: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], nil, &attributes, cArgs, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        return pid
    }

    /// A pid that certainly names no process now: a child that has exited and been reaped.
    func deadPID() throws -> Int32 {
        let pid = try spawnInNewGroup(["/bin/true"])
        _ = reap(pid)
        return pid
    }

    /// Waits for child `pid`; its status as a shell reports it.
    func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
