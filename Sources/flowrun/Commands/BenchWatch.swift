import ArgumentParser
import Engine
import Foundation
import Logging
import Store

struct BenchWatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Folder watcher latency and idle cost, printed as JSON.",
        discussion: """
            latency: files written one at a time; from the moment a file has been stable for \
            --stable seconds to its run being submitted (p50/max, ms), with inotify and with polling \
            every --poll seconds. intake: --files files already in the folder when the watcher starts, \
            to all runs submitted (files/s). idle_cpu_percent: the watcher's CPU use (user+system) over \
            --idle seconds with those files at rest, in each mode.
            """)

    @Option(help: "STABLE_SECONDS for the latency runs.") var stable: Double = 1
    @Option(help: "Poll interval (seconds) for the polling runs.") var poll: Double = 1
    @Option(help: "Files written one by one per latency run.") var samples = 10
    @Option(help: "Files at rest for the intake and idle measurements.") var files = 10_000
    @Option(help: "Seconds of idle measured per mode.") var idle: Double = 10

    func run() async throws {
        try await reportingErrors {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-bench-watch-\(getpid())")
            defer { try? FileManager.default.removeItem(at: root) }
            var report: [String: Any] = ["stable_seconds": stable, "poll_seconds": poll]
            for mode in [WatchSettings.Mode.inotify, .poll] {
                let engine = try await Self.engine(root.appendingPathComponent("latency-\(mode.rawValue)"))
                report["latency_\(mode.rawValue)_ms"] = try await latency(engine, mode: mode)
                try await engine.close()
            }
            let engine = try await Self.engine(root.appendingPathComponent("idle"))
            let (intakeSeconds, cpu) = try await intakeAndIdle(engine)
            try await engine.close()
            report["intake"] = ["files": files, "seconds": intakeSeconds, "files_per_second": Double(files) / intakeSeconds]
            report["idle_cpu_percent"] = cpu
            let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    static func engine(_ root: URL) async throws -> Engine {
        let workflows = root.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        try """
        name: ingest
        version: 1
        inputs:
          dataset: { type: dataset, required: true }
        triggers:
          folder: { path: inbound, include: ["*.csv"] }
        steps:
          s: { uses: noop, with: { path: "${{ inputs.dataset.path }}" } }
        """.write(to: workflows.appendingPathComponent("ingest.yaml"), atomically: true, encoding: .utf8)
        let layout = DataLayout(root: root.appendingPathComponent("data"))
        try FileManager.default.createDirectory(at: layout.inbound, withIntermediateDirectories: true)
        let store = try await SQLStore.open(url: layout.database.path, logger: Logger(label: "bench"))
        return Engine(store: store, registry: .builtIn(), layout: layout, workflowsDirectory: workflows)
    }

    /// Per file: written, then stable at last-write + `stable`; submitted at its run's creation.
    func latency(_ engine: Engine, mode: WatchSettings.Mode) async throws -> [String: Double] {
        let watcher = try FolderWatcher.make(
            engine: engine, settings: WatchSettings(stableSeconds: stable, mode: mode, pollSeconds: mode == .poll ? poll : 30)
        ) { _ in }
        let task = Task { await watcher.run() }
        defer { task.cancel() }
        try await Task.sleep(for: .milliseconds(300))
        var waits: [Double] = []
        for i in 0..<samples {
            let url = engine.layout.inbound.appendingPathComponent("exam_\(i).csv")
            try "exam_id,t,v\n\(i),0,\(i)\n".write(to: url, atomically: false, encoding: .utf8)
            let stableAt = Date().addingTimeInterval(stable)
            while try await engine.runs(RunQuery(limit: 1)).first?.inputsJSON.contains("exam_\(i).csv") != true {
                try await Task.sleep(for: .milliseconds(2))
            }
            let run = try await engine.runs(RunQuery(limit: 1))[0]
            waits.append(run.createdAt.timeIntervalSince(stableAt) * 1000)
            // Spread the files over the poll cycle so polling shows its average, not its best case.
            try await Task.sleep(for: .milliseconds(Int64(poll * 1000 / Double(samples) * Double(i % samples)) + 50))
        }
        waits.sort()
        return ["p50": waits[waits.count / 2], "max": waits.last ?? 0]
    }

    func intakeAndIdle(_ engine: Engine) async throws -> (Double, [String: Double]) {
        for i in 0..<files {
            let folder = engine.layout.inbound.appendingPathComponent("batch\(i / 1000)")
            if i % 1000 == 0 { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
            try "exam_id,t,v\n\(i),0,\(i)\n".write(to: folder.appendingPathComponent("exam_\(i).csv"), atomically: false, encoding: .utf8)
        }
        let start = ContinuousClock.now
        let first = try FolderWatcher.make(engine: engine, settings: WatchSettings(stableSeconds: 0)) { _ in }
        _ = await first.tick()
        let intake = (ContinuousClock.now - start).seconds
        var cpu: [String: Double] = [:]
        for mode in [WatchSettings.Mode.inotify, .poll] {
            let watcher = try FolderWatcher.make(engine: engine, settings: WatchSettings(stableSeconds: 0, mode: mode)) { _ in }
            _ = await watcher.tick()  // learn what is there (all already submitted)
            let task = Task { await watcher.run() }
            try await Task.sleep(for: .seconds(1))
            let before = Self.cpuSeconds(), wallStart = ContinuousClock.now
            try await Task.sleep(for: .seconds(idle))
            let used = Self.cpuSeconds() - before, wall = (ContinuousClock.now - wallStart).seconds
            task.cancel()
            cpu[mode.rawValue] = used / wall * 100
        }
        return (intake, cpu)
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
