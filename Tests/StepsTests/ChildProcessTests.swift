import Foundation
import Testing

@testable import Steps

/// A step's program under its guard, as real processes: status, output, groups, and the lifeline.
/// (That the group dies with the engine process is pinned in CLITests/EngineDeathTests, with a real
/// engine to kill.)
@Suite struct ChildProcessTests {
    /// Runs `script` with /bin/sh to its end; returns the status and the output lines.
    func run(
        _ script: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String? = nil
    ) async throws -> (status: Int32, lines: [String]) {
        let lines = Lines()
        let child = try ChildProcess(argv: ["/bin/sh", "-c", script], environment: environment, directory: directory) { lines.append($0) }
        let status = await child.wait()
        return (status, lines.all)
    }

    @Test func statusOutputEnvironmentAndDirectoryAreThePrograms() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["GREETING"] = "hello there"
        let result = try await run("echo \"$GREETING\"; pwd; echo to-stderr >&2; exit 7", environment: environment, directory: folder.path)
        #expect(result.status == 7)
        #expect(result.lines == ["hello there", folder.resolvingSymlinksInPath().path, "to-stderr"])
    }

    @Test func aProgramKilledByASignalReports128PlusTheSignal() async throws {
        #expect(try await run("kill -TERM $$").status == 128 + SIGTERM)
        #expect(try await run("kill -KILL $$").status == 128 + SIGKILL)
    }

    @Test func theProgramStartsWithDefaultSignalsAndOnlyStandardDescriptors() async throws {
        // The engine ignores SIGPIPE and the guard blocks everything: neither may reach the program.
        let result = try await run("grep -E '^(SigBlk|SigIgn)' /proc/self/status; ls /proc/self/fd")
        #expect(result.lines.contains("SigBlk:\t0000000000000000"))
        // Signals 32 and 33 are the C library's own (threads); no program sets or sees them.
        let ignored = result.lines.first { $0.hasPrefix("SigIgn:") }.flatMap { UInt64($0.dropFirst(8), radix: 16) }
        #expect(ignored.map { $0 & ~UInt64(0b11 << 31) } == 0, "\(result.lines)")
        // 0, 1, 2 and the descriptor ls opened to list them.
        #expect(result.lines.filter { Int($0) != nil }.count == 4, "\(result.lines)")
    }

    @Test func startingErrorsSayWhatFailed() throws {
        #expect(throws: ChildProcess.LaunchError.self) {
            _ = try ChildProcess(argv: ["definitely-not-a-program-xyz"], environment: ["PATH": "/usr/bin:/bin"], directory: nil) { _ in }
        }
        do {
            _ = try ChildProcess(argv: ["/bin/true"], environment: [:], directory: "/nonexistent/folder") { _ in }
            Issue.record("a missing working directory must refuse to start")
        } catch {
            #expect(
                "\(error)"
                    == "cannot start /bin/true: cannot change to the working directory /nonexistent/folder: No such file or directory")
        }
        #expect("\(ChildProcess.LaunchError.notFound("nope"))" == "command not found: nope")
    }

    @Test func programsAreFoundInTheEnvironmentsPath() throws {
        #expect(try ChildProcess.resolve("sh", searchPath: "/nonexistent:/bin") == "/bin/sh")
        #expect(try ChildProcess.resolve("./local", searchPath: "/bin") == "./local")
        #expect(throws: ChildProcess.LaunchError.self) { try ChildProcess.resolve("sh", searchPath: "/nonexistent") }
    }

    @Test func theProgramRunsInTheGuardsGroupAndReportsIt() async throws {
        let child = try ChildProcess(argv: ["/bin/sh", "-c", "sleep 30"], environment: ProcessInfo.processInfo.environment, directory: nil)
        { _ in }
        let started = child.started
        #expect(started.processGroup != getpgrp())
        #expect(getpgid(started.pid) == started.processGroup)
        #expect(started.leaderStartTicks != nil)
        #expect(started.leaderStartTicks == ProcessTable.startTicks(of: started.processGroup))
        #expect(try String(contentsOfFile: "/proc/\(started.processGroup)/comm", encoding: .utf8) == "step-guard\n")
        child.signalGroup(SIGTERM)
        #expect(await child.wait() == 128 + SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while ProcessTable.groupExists(started.processGroup) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(!ProcessTable.groupExists(started.processGroup))
    }

    @Test func signalingTheGroupReachesTheProgramsChildren() async throws {
        let lines = Lines()
        let child = try ChildProcess(
            argv: ["/bin/sh", "-c", "sleep 300 & echo $!; wait"],
            environment: ProcessInfo.processInfo.environment, directory: nil
        ) { lines.append($0) }
        let sleeper = try await waitForPID(lines)
        child.signalGroup(SIGKILL)
        #expect(await child.wait() == 128 + SIGKILL)
        #expect(try await gone(sleeper))
    }

    @Test func droppingTheChildClosesTheLifelineAndKillsTheGroup() async throws {
        let lines = Lines()
        var child: ChildProcess? = try ChildProcess(
            argv: ["/bin/sh", "-c", "sleep 300 & echo $!; wait"],
            environment: ProcessInfo.processInfo.environment, directory: nil
        ) { lines.append($0) }
        let group = try #require(child?.started.processGroup)
        let sleeper = try await waitForPID(lines)
        child = nil
        #expect(try await gone(sleeper))
        #expect(try await gone(group))
    }

    @Test func theGuardLetsGoOfTheEnginesMemory() async throws {
        // 256 MiB of written engine memory: a guard that kept its copy would hold it all, and every
        // page the engine writes while the step runs would be copied.
        var ballast = [UInt8](repeating: 1, count: 256 << 20)
        let child = try ChildProcess(argv: ["/bin/sh", "-c", "sleep 30"], environment: ProcessInfo.processInfo.environment, directory: nil)
        { _ in }
        let guardPID = child.started.processGroup
        func anonymousKiB() -> Int? {
            let status = try? String(contentsOfFile: "/proc/\(guardPID)/status", encoding: .utf8)
            return status?.split(separator: "\n").first { $0.hasPrefix("RssAnon:") }
                .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while (anonymousKiB() ?? 0) > 32 << 10 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let kept = try #require(anonymousKiB())
        #expect(kept < 32 << 10, "the guard keeps \(kept) KiB of anonymous memory")
        ballast[ballast.count - 1] = 2  // written after the guard let go: no copy for it to hold
        child.signalGroup(SIGKILL)
        #expect(await child.wait() == 128 + SIGKILL)
        #expect(ballast[0] == 1)
    }

    /// The first output line as a pid, within 30 s. (Looked at once more after the deadline: a
    /// test suite busy on both cores may wake this task late.)
    func waitForPID(_ lines: Lines) async throws -> pid_t {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let first = lines.all.first, let pid = pid_t(first) { return pid }
            if ContinuousClock.now > deadline { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestTimeout(what: "the program's first line, a pid (output: \(lines.all))")
    }

    /// True once `pid` has exited (a zombie counts as exited), within 30 s.
    func gone(_ pid: pid_t) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))
                .flatMap { $0.split(separator: ")").last?.split(separator: " ").first }
            if state == nil || state == "Z" { return true }
            if ContinuousClock.now > deadline { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

struct TestTimeout: Error {
    let what: String
}

/// Output lines collected from the reader thread.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
