import Foundation
import TestSupport
import Testing

/// Faults of a multi-machine deployment, with real `flowrun worker` processes on a real PostgreSQL:
/// a worker killed mid-step, the database restarted mid-run, restarted ten times (fast and
/// immediate shutdowns) while the workers' connections are cut several times a second, four
/// workers racing for 2,000 steps, and a network cut between a worker and the database while it
/// holds a lease.
///
/// `scripts/test` runs this suite on its own (it restarts the shared server). Without PostgreSQL it
/// is skipped — and shown as skipped; under `CI` it always runs (and fails without a server).
@Suite(
    .serialized,
    .enabled(
        if: TestDatabase.all.contains(.postgres),
        "no PostgreSQL: run through scripts/with-postgres (FLOWRUN_TEST_DATABASE_URL)"))
struct PostgresFaultTests {
    let cli: CLI
    let url: String

    init() async throws {
        cli = try CLI()
        url = try await TestDatabase.postgres.makeURL(in: cli.directory)
    }

    var env: [String: String] { ["DATABASE_URL": url] }
    var executions: URL { cli.directory.appendingPathComponent("data/executions.txt") }

    func executionLines() -> [String] {
        ((try? String(contentsOf: executions, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func submit(_ workflow: String, _ extra: [String] = []) throws -> String {
        let result = try cli.run(["run", workflow, "--detach"] + extra, environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let list =
            try JSONSerialization.jsonObject(with: Data(try cli.run(["runs", "list", "--json"], environment: env).stdout.utf8))
            as! [[String: Any]]
        return try #require(list.first?["id"] as? String)
    }

    func detail(_ id: String) throws -> [String: Any] {
        let show = try cli.run(["runs", "show", id, "--json"], environment: env)
        return (try? JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    func state(_ id: String) throws -> String? { (try detail(id)["run"] as? [String: Any])?["state"] as? String }

    func worker(_ name: String, lease: Int = 2, environment: [String: String]? = nil) throws -> Process {
        let (process, out, err) = try cli.start(
            ["worker", "--name", name, "--lease", "\(lease)", "--concurrency", "2", "--grace", "30"],
            environment: environment ?? env)
        // Drained, so a chatty worker can never block on a full pipe.
        _ = ReadAll(out)
        _ = ReadAll(err)
        return process
    }

    /// SIGTERM, then SIGKILL after a minute: a stuck worker fails the test instead of hanging the suite.
    func stop(_ processes: Process...) {
        for p in processes where p.isRunning { kill(p.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(60)
        for p in processes {
            while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            if p.isRunning {
                Issue.record("worker \(p.processIdentifier) did not stop within 60 s of SIGTERM")
                kill(p.processIdentifier, SIGKILL)
            }
            p.waitUntilExit()
        }
    }

    @Test func aWorkerKilledMidStepIsReplacedAndTheStepRunsAgain() throws {
        try cli.write(
            "workflows/slow.yaml",
            """
            name: slow
            version: 1
            steps:
              s:
                run: "echo attempt-$FLOWRUN_ATTEMPT >> $FLOWRUN_DATA/executions.txt; sleep 2"
              after:
                needs: [s]
                run: "echo after >> $FLOWRUN_DATA/executions.txt"
            """)
        let id = try submit("slow")
        let a = try worker("a")
        try waitFor(60, "worker a to start the step") { executionLines().contains("attempt-1") }
        kill(a.processIdentifier, SIGKILL)
        a.waitUntilExit()
        let b = try worker("b")
        defer { stop(b) }
        try waitFor(90, "the run to finish") { try state(id).map { ["succeeded", "failed", "canceled"].contains($0) } ?? false }
        #expect(try state(id) == "succeeded")
        #expect(executionLines() == ["attempt-1", "attempt-2", "after"])
        let attempts = try #require(try detail(id)["attempts"] as? [[String: Any]]).filter {
            $0["step_id"] as? String == "s" || $0["stepID"] as? String == "s"
        }
        #expect(attempts.compactMap { $0["outcome"] as? String } == ["lease_expired", "succeeded"])
        #expect(attempts.compactMap { $0["worker"] as? String } == ["a", "b"])
    }

    @Test func theDatabaseRestartedMidRunAndTheRunCompletes() throws {
        let restart = try #require(
            ProcessInfo.processInfo.environment["FLOWRUN_TEST_PG_RESTART"],
            "FLOWRUN_TEST_PG_RESTART: run through scripts/with-postgres")
        try cli.write(
            "workflows/chain.yaml",
            """
            name: chain
            version: 1
            steps:
              one: { run: "sleep 1; echo one >> $FLOWRUN_DATA/executions.txt" }
              two: { needs: [one], run: "sleep 1; echo two >> $FLOWRUN_DATA/executions.txt" }
              three: { needs: [two], run: "sleep 1; echo three >> $FLOWRUN_DATA/executions.txt" }
              four: { needs: [three], run: "sleep 1; echo four >> $FLOWRUN_DATA/executions.txt" }
            """)
        let id = try submit("chain")
        let w = try worker("w", lease: 10)
        defer { stop(w) }
        try waitFor(60, "the first step") { executionLines().contains("one") }
        #expect(runShell(restart) == 0)
        try waitFor(120, "the run to finish after the restart") {
            try state(id).map { ["succeeded", "failed", "canceled"].contains($0) } ?? false
        }
        #expect(try state(id) == "succeeded")
        #expect(executionLines() == ["one", "two", "three", "four"], "each step ran exactly once")
    }

    /// Issue 13's stall, as a test: two workers run ten runs of short steps while PostgreSQL is
    /// restarted ten times (alternately `-m fast` and `-m immediate`) and every connection of theirs
    /// is cut several times a second. Every run succeeds; a lease after the last fault no step is
    /// still running from before it (a stuck store call kept its lease alive for ever); every step's
    /// program ran to its end exactly once (`synchronous_commit = on`: an immediate shutdown loses
    /// no acknowledged commit).
    @Test func restartsAndCutConnectionsUnderTwoWorkersLoseNothingAndStallNothing() async throws {
        let restart = try #require(
            ProcessInfo.processInfo.environment["FLOWRUN_TEST_PG_RESTART"],
            "FLOWRUN_TEST_PG_RESTART: run through scripts/with-postgres")
        let lease = 6
        var yaml = "name: burst\nversion: 1\nsteps:\n"
        for i in 0..<30 {
            // Two interleaved chains: completions make dependents ready under the faults too.
            let needs = i >= 2 ? ", needs: [s\(i - 2)]" : ""
            yaml +=
                "  s\(i): { run: \"echo start $FLOWRUN_RUN_ID $FLOWRUN_STEP >> $FLOWRUN_DATA/executions.txt; sleep 0.3; "
                + "echo end $FLOWRUN_RUN_ID $FLOWRUN_STEP >> $FLOWRUN_DATA/executions.txt\"\(needs) }\n"
        }
        try cli.write("workflows/burst.yaml", yaml)
        var ids: [String] = []
        for _ in 0..<10 { ids.append(try submit("burst")) }
        let workers = try ["a", "b"].map { try worker($0, lease: lease) }
        defer { workers.forEach { stop($0) } }
        try waitFor(60, "the first steps") { executionLines().count >= 4 }

        let database = try #require(URLComponents(string: url)?.path.dropFirst()).description
        let cutter = ConnectionCutter(url: url, database: database, every: .milliseconds(150))
        var restarts: [String] = []
        for i in 0..<10 {
            try await Task.sleep(for: .milliseconds(700))
            let mode = i % 2 == 0 ? "fast" : "immediate"
            #expect(runShell("\(restart) \(mode)") == 0, "pg_ctl restart -m \(mode)")
            restarts.append(mode)
        }
        try await Task.sleep(for: .seconds(1))
        let cuts = await cutter.stop()
        let lastFault = Date()
        #expect(cuts >= 20, "the connections were cut \(cuts) times")
        let unfinished = executionLines().filter { $0.hasPrefix("end ") }.count
        #expect(unfinished < 300, "work remained after the faults (\(unfinished) of 300 steps had ended)")

        // A lease (plus the heartbeat that takes it back, plus a second) after the last fault,
        // nothing is still running from before it.
        try await Task.sleep(for: .seconds(lease + lease / 3 + 2))
        for id in ids {
            let steps = try detail(id)["steps"] as? [[String: Any]] ?? []
            for step in steps where step["state"] as? String == "running" {
                let started = (step["started_at"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) } ?? .distantPast
                #expect(
                    started >= lastFault.addingTimeInterval(-1),
                    "run \(id) step \(step["step_id"] ?? "?") has been running since \(started), before the last fault at \(lastFault)")
            }
        }
        try waitFor(120, "every run to finish") {
            try ids.allSatisfy { try state($0).map { ["succeeded", "failed", "canceled"].contains($0) } ?? false }
        }
        for id in ids { #expect(try state(id) == "succeeded", "run \(id)") }
        let lines = executionLines()
        let ends = Dictionary(grouping: lines.filter { $0.hasPrefix("end ") }, by: { $0 }).mapValues(\.count)
        #expect(ends.count == 300, "every step ran to its end: \(ends.count) of 300")
        #expect(ends.values.allSatisfy { $0 == 1 }, "once: \(ends.filter { $0.value > 1 })")
        let starts = Dictionary(grouping: lines.filter { $0.hasPrefix("start ") }, by: { $0 }).mapValues(\.count)
        #expect(starts.values.allSatisfy { $0 == 1 }, "no step was started twice: \(starts.filter { $0.value > 1 })")
        print(
            "faults: \(restarts.count) restarts (\(restarts.joined(separator: ", "))), \(cuts) connection cuts; "
                + "\(unfinished) of 300 steps had ended at the last fault")
    }

    /// The worker's watchdog: a completion that cannot be written (here: it waits for a lock on the
    /// run that the test holds) for longer than a lease stops the heartbeat extending that step's
    /// lease, and says so, loudly, in the worker's log and the run's. Once the lock goes, the run
    /// finishes.
    @Test func aCompletionStuckLongerThanALeaseLetsTheLeaseLapse() async throws {
        try cli.write(
            "workflows/stuck.yaml",
            """
            name: stuck
            version: 1
            steps:
              s: { run: "echo start >> $FLOWRUN_DATA/executions.txt; sleep 1; echo end-$FLOWRUN_ATTEMPT >> $FLOWRUN_DATA/executions.txt" }
            """)
        let id = try submit("stuck")
        let lease = 3
        let (process, out, err) = try cli.start(
            ["worker", "--name", "w", "--lease", "\(lease)", "--concurrency", "1", "--grace", "30"],
            environment: env)
        _ = ReadAll(out)
        let log = ReadAll(err)
        try waitFor(60, "the step to start") { executionLines().contains("start") }
        let lock = try await RunRowLock(url: url, runID: id)
        try waitFor(30, "the step to end") { executionLines().contains("end-1") }
        let ended = Date()
        // The last extension comes from the last heartbeat (every second) within a lease of the end,
        // and runs a lease further: so the lease lapses at most two leases and a heartbeat after the
        // end. Without the watchdog it would always lie a lease ahead of now.
        let latest = ended.addingTimeInterval(Double(2 * lease) + 1)
        try await Task.sleep(for: .seconds(2 * lease + 3))
        let step = try #require((try detail(id)["steps"] as? [[String: Any]])?.first)
        #expect(step["state"] as? String == "running", "the completion is still waiting for the lock")
        let expires = (step["lease_expires_at"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) } ?? .distantFuture
        #expect(expires <= latest.addingTimeInterval(1), "the lease was extended to \(expires), after the step ended at \(ended)")
        #expect(expires < Date(), "the lease has lapsed")
        try await lock.release()
        try waitFor(60, "the run to finish") { try state(id).map { ["succeeded", "failed", "canceled"].contains($0) } ?? false }
        #expect(try state(id) == "succeeded")
        stop(process)
        let stderr = String(decoding: log.wait(), as: UTF8.self)
        #expect(stderr.contains("watchdog: the completion of s attempt 1 has not been written"), "worker log: \(stderr.suffix(2000))")
    }

    /// The database's disk fills up: its tables live in a tablespace on a real 16 MB tmpfs. A submit
    /// that needs room fails with the server's reason; freed, the same submit goes and its run ends.
    @Test(.enabled(if: getuid() == 0, "a tablespace on a small tmpfs needs root (the CI runs as root)"))
    func aFullDiskUnderTheDatabaseIsNamedAndLosesNothing() async throws {
        let disk = cli.directory.appendingPathComponent("pgdisk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        // The server runs as `postgres` under root (scripts/with-postgres): the folder must be its.
        guard runShell("mount -t tmpfs -o size=16m tmpfs '\(disk.path)' && chown postgres:postgres '\(disk.path)'") == 0 else {
            throw TestDatabaseError("cannot mount a tmpfs at \(disk.path)")
        }
        defer { _ = runShell("umount -l '\(disk.path)'") }
        let admin = try #require(ProcessInfo.processInfo.environment["FLOWRUN_TEST_DATABASE_URL"])
        let name = try #require(URLComponents(string: url)?.path.dropFirst()).description
        try await TestDatabase.execute("CREATE TABLESPACE ts_\(name) LOCATION '\(disk.path)'", url: admin)
        try await TestDatabase.execute("ALTER DATABASE \(name) SET TABLESPACE ts_\(name)", url: admin)

        try cli.write("workflows/one.yaml", "name: one\nversion: 1\nsteps:\n  a: { run: \"echo one\" }\n")
        var wide = "name: wide\nversion: 1\nsteps:\n"
        for i in 0..<300 { wide += "  s\(i): { run: \"echo $FLOWRUN_STEP >> $FLOWRUN_DATA/executions.txt\" }\n" }
        try cli.write("workflows/wide.yaml", wide)
        _ = try submit("one")  // the tables, now in the tablespace

        _ = runShell("dd if=/dev/zero of='\(disk.path)/filler' bs=64k 2>/dev/null")
        let refused = try cli.run(["run", "wide", "--detach"], environment: env, timeout: 120)
        #expect(refused.status != 0, "a submit on a full disk reported success")
        #expect(
            refused.stderr.contains("No space left on device (SQLSTATE 53100): the database server's disk is full; free space there"),
            "\(refused.stderr)")
        let before = try JSONSerialization.jsonObject(with: Data(try cli.run(["runs", "list", "--json"], environment: env).stdout.utf8))
        #expect((before as? [[String: Any]])?.count == 1, "the refused submit left nothing behind")

        try FileManager.default.removeItem(at: disk.appendingPathComponent("filler"))
        let id = try submit("wide")
        let worker = try worker("w", lease: 30)
        defer { stop(worker) }
        try waitFor(120, "the run to finish") { try state(id).map { ["succeeded", "failed", "canceled"].contains($0) } ?? false }
        #expect(try state(id) == "succeeded")
        #expect(Set(executionLines()).count == 300 && executionLines().count == 300, "every step ran once")
    }

    @Test func fourWorkersRunTwoThousandStepsEachExactlyOnce() throws {
        var yaml = "name: wide\nversion: 1\nsteps:\n"
        for i in 0..<2000 {
            // $PPID is the worker process that started this shell.
            yaml += "  s\(i): { run: \"echo $FLOWRUN_STEP $FLOWRUN_ATTEMPT $PPID >> $FLOWRUN_DATA/executions.txt\" }\n"
        }
        try cli.write("workflows/wide.yaml", yaml)
        let id = try submit("wide")
        let workers = try (0..<4).map { try worker("w\($0)", lease: 30) }
        defer { workers.forEach { stop($0) } }
        try waitFor(600, "2,000 steps") { try state(id).map { ["succeeded", "failed", "canceled"].contains($0) } ?? false }
        #expect(try state(id) == "succeeded")
        let lines = executionLines().map { $0.split(separator: " ").map(String.init) }
        #expect(lines.count == 2000, "every step executed once: \(lines.count) executions")
        #expect(Set(lines.map { $0[0] }).count == 2000)
        #expect(lines.allSatisfy { $0[1] == "1" }, "no step needed a second attempt")
        let byWorker = Dictionary(grouping: lines, by: { $0[2] }).mapValues(\.count)
        #expect(byWorker.count >= 2, "the work was shared: \(byWorker)")
    }

    @Test func aWorkerCutOffFromTheDatabaseDoesNotCompleteItsStepTwice() throws {
        var components = try #require(URLComponents(string: url))
        let proxy = try TCPProxy(to: components.port ?? 5432, in: cli.directory)
        defer { proxy.process.terminate() }
        components.port = proxy.port
        try cli.write(
            "workflows/cut.yaml",
            """
            name: cut
            version: 1
            steps:
              s:
                run: "echo attempt-$FLOWRUN_ATTEMPT >> $FLOWRUN_DATA/executions.txt; sleep 4; echo ::output attempt=$FLOWRUN_ATTEMPT"
            """)
        let id = try submit("cut")
        let a = try worker("a", environment: ["DATABASE_URL": components.string!])
        try waitFor(60, "worker a to start the step") { executionLines().contains("attempt-1") }
        // The cut: the proxy stops moving bytes; a's connections hang as on a dead network.
        kill(proxy.process.processIdentifier, SIGSTOP)
        let b = try worker("b")
        defer { stop(b) }
        try waitFor(90, "worker b to finish the step") { try state(id) == "succeeded" }
        // The network comes back: a's step has long finished and a tries to record it.
        kill(proxy.process.processIdentifier, SIGCONT)
        stop(a)  // SIGTERM: a drains, so its completion has been tried when it exits
        #expect(executionLines() == ["attempt-1", "attempt-2"])
        let detail = try detail(id)
        let attempts = try #require(detail["attempts"] as? [[String: Any]])
        #expect(attempts.compactMap { $0["outcome"] as? String } == ["lease_expired", "succeeded"])
        let steps = try #require(detail["steps"] as? [[String: Any]])
        #expect(steps.first?["attempt"] as? Int == 2)
        let outputs = steps.first?["outputs"] as? [String: Any]
        #expect(outputs?["attempt"] as? String == #""2""#, "the outputs (JSON texts) are attempt 2's: \(String(describing: outputs))")
    }
}

/// A TCP forwarder in a separate process (Python's asyncio): SIGSTOP on it cuts the network
/// between its clients and the server without closing a connection.
struct TCPProxy {
    let process: Process
    let port: Int

    init(to target: Int, in folder: URL) throws {
        let script = folder.appendingPathComponent("proxy.py")
        try """
        import asyncio, os, sys
        async def pipe(r, w):
            try:
                while data := await r.read(65536):
                    w.write(data); await w.drain()
            finally:
                w.close()
        async def handle(r, w):
            tr, tw = await asyncio.open_connection('127.0.0.1', \(target))
            await asyncio.gather(pipe(r, tw), pipe(tr, w), return_exceptions=True)
        async def orphaned():
            # Dies with the test process, even one that crashed.
            parent = os.getppid()
            while os.getppid() == parent:
                await asyncio.sleep(0.5)
            os._exit(0)
        async def main():
            server = await asyncio.start_server(handle, '127.0.0.1', 0)
            print(server.sockets[0].getsockname()[1], flush=True)
            asyncio.ensure_future(orphaned())
            await server.serve_forever()
        asyncio.run(main())
        """.write(to: script, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestDatabaseError("the TCP proxy did not start")
        }
        self.port = port
    }
}
