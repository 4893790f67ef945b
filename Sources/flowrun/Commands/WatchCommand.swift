import ArgumentParser
import Engine
import Foundation
import ServiceLifecycle

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch folders for finished uploads: each new file becomes a dataset and a run, exactly once.",
        discussion: """
            The folders and file patterns come from the workflows' `triggers.folder` (path under the data \
            root). A file is finished when its size and mtime have not changed for STABLE_SECONDS, or, with \
            USE_DONE_FILE=true, once <file>.done exists. Temporary names (.part, .tmp, ~, dot-files) are \
            ignored. The same content seen twice (a re-copy, a rename) is one dataset and one run.

            Environment (overrides the workflows' trigger settings): STABLE_SECONDS (default 5), \
            USE_DONE_FILE (true|false), INCLUDE_EXT (.csv,.tsv), FLOWRUN_WATCH_DIR (watch this folder \
            instead), FLOWRUN_WATCH_MODE (auto|inotify|poll; network file systems need poll, which auto \
            picks for them), FLOWRUN_WATCH_POLL_SECONDS (rescan interval; default 2, or 30 next to inotify).

            Like `serve`, it keeps an embedded worker that runs what it triggers; --no-worker leaves the \
            runs to `flowrun worker` processes.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var logging: LogOptions
    @Flag(help: "Run no embedded worker (run `flowrun worker` processes instead).") var noWorker = false
    @Option(help: "Slots of the embedded worker; a step takes its cpu: (1 unless it says). [default: 4 × cores]") var concurrency: Int?
    @Option(help: "Seconds a claimed step is held without a heartbeat before others take it back.") var lease: Int = 30
    @Option(help: "Seconds running steps may take to finish after SIGTERM.") var grace: Int = 30
    @Flag(
        help:
            "One pass over the folders, then exit: waits until each file present is unchanged for STABLE_SECONDS (a file that keeps changing holds the pass)."
    ) var once = false

    func run() async throws {
        lineBufferedStandardOutput()
        try await reportingErrors {
            let logLevel = try logging.bootstrap()
            let settings: WatchSettings
            do { settings = try WatchSettings.fromEnvironment() } catch { throw CLIError.refused("\(error)") }
            var engine = try await global.openEngine(logLevel: logLevel)
            var worker: Worker?
            if !noWorker && !once {
                var options = Worker.Options(leaseDuration: .seconds(lease), heartbeatInterval: .seconds(max(1, lease / 3)))
                if let concurrency { options.concurrency = concurrency }
                let embedded = Worker(engine: engine, options: options)
                engine.onWork = { embedded.wake() }
                worker = embedded
                print("embedded worker \(options.name) (\(options.concurrency) slots)")
            }
            let watcher: FolderWatcher
            do {
                watcher = try FolderWatcher.make(engine: engine, settings: settings) { line in
                    print("\(Date().formatted(.iso8601)) \(line)")
                }
            } catch let error as WatchError {
                throw CLIError.refused("\(error)")
            }
            if once {
                // One pass means every file present now is decided: a file must be seen unchanged for
                // STABLE_SECONDS, so the pass waits that long for the files it has not seen settle.
                var submitted = 0, known = 0, rejected = 0
                while true {
                    let report = await watcher.tick()
                    submitted += report.submitted.count
                    known += report.duplicates.count
                    rejected += report.rejected.count
                    guard let deadline = report.nextDeadline else { break }
                    try await Task.sleep(for: .milliseconds(max(10, Int64(deadline.timeIntervalSinceNow * 1000) + 10)))
                }
                print("submitted \(submitted), already known \(known), rejected \(rejected)")
                try await engine.close()
                return
            }
            // Listed first, stopped last: the watcher stops taking files, then the worker drains.
            var services: [any Service] = worker.map { [WorkerService(worker: $0, grace: .seconds(grace))] } ?? []
            services.append(WatcherService(watcher: watcher))
            if let worker {
                // Like `worker` and `serve`: notifications and SLAs of the runs it starts (docs/scheduling.md).
                let publicURL = try Settings.current().resolve(.serverPublicURL, flag: nil, flagName: "--public-url").value
                services.append(NotifyService(engine: engine, options: .init(name: await worker.options.name, publicURL: publicURL)))
            }
            try await runUntilSignalled(services)
            try await engine.close()
        }
    }
}
