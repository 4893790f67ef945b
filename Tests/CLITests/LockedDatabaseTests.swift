import Foundation
import Testing

/// A process stopped inside a write transaction (SIGSTOP, a suspended terminal, a frozen VM) holds
/// the SQLite file's write lock for good. Read commands must not wait for it; write commands wait
/// the busy timeout, then fail with an error naming the process and what to do; once it is gone,
/// everything works again. The holder is a real process (Python's sqlite3 in `BEGIN IMMEDIATE`),
/// stopped by itself once it has the lock.
@Suite(.serialized, .enabled(if: hasPython, "no python3 to hold a SQLite lock"))
struct LockedDatabaseTests {
    static let workflow = """
        version: 1
        name: hello
        steps:
          say:
            run: echo hello
        """

    static let holder = """
        import os, signal, sqlite3, sys, time
        db = sqlite3.connect(sys.argv[1], isolation_level=None)
        db.execute('BEGIN IMMEDIATE')
        print(os.getpid(), flush=True)
        os.kill(os.getpid(), signal.SIGSTOP)
        time.sleep(600)
        """

    @Test func readsGoOnAndWritesNameTheStoppedHolder() throws {
        let cli = try CLI()
        try cli.write("workflows/hello.yaml", Self.workflow)
        try cli.write("hold.py", Self.holder)
        let first = try cli.run(["run", "hello"], timeout: 120)
        #expect(first.status == 0, "\(first.stderr)")

        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "hold.py", "data/flowrun.sqlite"]
        holder.currentDirectoryURL = cli.directory
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        let pid = try #require(Int32(line.trimmingCharacters(in: .whitespacesAndNewlines)), "the holder printed \(line)")
        try waitUntilStopped(pid)

        // Reads: at once (they were waiting 50 busy timeouts for the lock to migrate nothing).
        let list = try cli.run(["runs", "list", "--json"], timeout: 60)
        #expect(list.status == 0, "runs list under a held write lock: status \(list.status), \(list.stderr)")
        let runs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        let id = try #require(runs.first?["id"] as? String)
        let show = try cli.run(["runs", "show", id], timeout: 60)
        #expect(show.status == 0, "runs show under a held write lock: \(show.stderr)")

        // A write: the busy timeout, then the holder named with the way out.
        let blocked = try cli.run(["run", "hello"], timeout: 60)
        #expect(blocked.status != 0 && blocked.status != 9, "status \(blocked.status)")
        #expect(blocked.stderr.contains("the database stayed locked for 10 s"), "\(blocked.stderr)")
        #expect(blocked.stderr.contains("process \(pid) (python3 hold.py data/flowrun.sqlite)"), "\(blocked.stderr)")
        #expect(blocked.stderr.contains("is stopped") && blocked.stderr.contains("kill -CONT \(pid)"), "\(blocked.stderr)")

        // The holder gone: nothing stuck.
        kill(pid, SIGKILL)
        holder.waitUntilExit()
        let after = try cli.run(["run", "hello"], timeout: 120)
        #expect(after.status == 0, "\(after.stderr)")
        let again = try JSONSerialization.jsonObject(with: Data(try cli.run(["runs", "list", "--json"], timeout: 60).stdout.utf8))
        #expect((again as? [[String: Any]])?.count == 2, "the blocked run was not recorded, the later one was")
    }

    /// Waits (60 s at most) for `/proc/PID/stat` to say the process is stopped.
    func waitUntilStopped(_ pid: Int32) throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].first(where: { $0 != " " }) == "T" { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw CLITestError("process \(pid) did not stop itself")
    }
}

/// python3 on the PATH (the test script's and the CI's set-up install it).
private let hasPython = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").contains {
    FileManager.default.isExecutableFile(atPath: "\($0)/python3")
}
