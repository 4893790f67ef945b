import Foundation
import TestSupport
import Testing

/// SIGTERM stops a `flowrun worker` in bounded time even when its PostgreSQL is gone: an idle
/// worker within seconds, a busy one within its `--grace` (its running step stopped, its lease
/// left to hand the step on). The worker reaches the server through a TCP proxy (``TCPProxy``):
/// SIGSTOP on the proxy is a network that silently drops everything, SIGKILL a server whose port
/// is closed. Real processes, so the waits poll with deadlines.
@Suite(
    .serialized,
    .enabled(
        if: TestDatabase.all.contains(.postgres),
        "no PostgreSQL: run through scripts/with-postgres (FLOWRUN_TEST_DATABASE_URL)"))
struct WorkerShutdownTests {
    let cli: CLI
    let url: String
    let proxy: TCPProxy

    init() async throws {
        cli = try CLI()
        url = try await TestDatabase.postgres.makeURL(in: cli.directory)
        let server = try #require(URLComponents(string: url))
        proxy = try TCPProxy(to: server.port ?? 5432, in: cli.directory)
    }

    /// The database URL through the proxy.
    var proxiedURL: String {
        var components = URLComponents(string: url)!
        components.port = proxy.port
        return components.string!
    }

    func startWorker(grace: Int) throws -> (Process, OutputTail) {
        let (process, out, err) = try cli.start(
            ["worker", "--name", "w", "--lease", "30", "--concurrency", "2", "--grace", "\(grace)"],
            environment: ["DATABASE_URL": proxiedURL])
        _ = ReadAll(err)
        return (process, OutputTail(out))
    }

    /// Polls until `condition` or `seconds` pass; false when they passed.
    func poll(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    /// Sends SIGTERM and returns the seconds until the process exited, or nil after `bound`
    /// (then the process is killed).
    func terminate(_ process: Process, within bound: Double) -> Double? {
        let sent = Date()
        kill(process.processIdentifier, SIGTERM)
        guard poll(bound, { !process.isRunning }) else {
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        return Date().timeIntervalSince(sent)
    }

    /// The network to the database goes silent while the worker is idle (it has polled, so a
    /// claim waits on a connection that will never answer, up to its 30 s deadline): SIGTERM still
    /// stops it within seconds, not after that call nor after the 30 s grace.
    @Test func anIdleWorkerStopsWithinSecondsWhenTheNetworkToTheDatabaseIsCut() throws {
        defer { kill(proxy.process.processIdentifier, SIGKILL) }
        let (worker, out) = try startWorker(grace: 30)
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGKILL) } }
        #expect(poll(30) { out.text.contains("slots") }, "the worker did not start: \(out.text)")
        Thread.sleep(forTimeInterval: 1)
        kill(proxy.process.processIdentifier, SIGSTOP)
        // Longer than the worker's 2 s poll: its next store call is now stuck in the cut network.
        Thread.sleep(forTimeInterval: 3)
        let took = terminate(worker, within: 20)
        let seconds = try #require(took, "still running 20 s after SIGTERM")
        #expect(seconds < 8, "an idle worker took \(seconds) s to stop")
        #expect(worker.terminationStatus == 0)
    }

    /// The database is gone (its port closed) while a step runs: SIGTERM with `--grace 2` stops the
    /// step after the grace and the worker right after, its store calls failing or abandoned.
    @Test func aBusyWorkerStopsWithinItsGraceWhenTheDatabaseIsGone() throws {
        defer { kill(proxy.process.processIdentifier, SIGKILL) }
        let pidFile = cli.directory.appendingPathComponent("step.pid")
        try cli.write(
            "workflows/slow.yaml",
            """
            name: slow
            version: 1
            steps:
              nap:
                run: echo $$ > \(pidFile.path) && exec sleep 120
            """)
        let submitted = try cli.run(["run", "slow", "--detach"], environment: ["DATABASE_URL": url])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let (worker, _) = try startWorker(grace: 2)
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGKILL) } }
        var stepPID: pid_t = 0
        #expect(
            poll(30) {
                stepPID =
                    pid_t((try? String(contentsOf: pidFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
                return stepPID > 0
            }, "the step did not start")
        kill(proxy.process.processIdentifier, SIGKILL)
        Thread.sleep(forTimeInterval: 1)
        let took = terminate(worker, within: 30)
        let seconds = try #require(took, "still running 30 s after SIGTERM")
        // The grace, the stop of the step's process group, and a bounded goodbye to the store.
        #expect(seconds >= 2 && seconds < 2 + 6, "a busy worker with --grace 2 took \(seconds) s to stop")
        #expect(poll(5) { kill(stepPID, 0) != 0 || Self.isZombie(stepPID) }, "the step's process outlived its worker")
    }

    static func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }
}

/// A process's output as it arrives, readable at any time (``ReadAll`` gives it only at the end).
final class OutputTail: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    init(_ pipe: Pipe) {
        let fd = pipe.fileHandleForReading.fileDescriptor
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                lock.withLock { data.append(contentsOf: buffer[0..<n]) }
            }
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
