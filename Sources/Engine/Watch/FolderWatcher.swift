import FlowSpec
import Foundation
import Store
import Threads

/// Turns finished uploads into datasets and runs: scans the watched folders, asks each rule's
/// ``UploadTracker`` which files are finished, registers each as a dataset (by content hash) and
/// submits a run of the rule's workflow through ``Engine/submit(_:)``, exactly once per workflow
/// and content — the submission's idempotency key `watch:<workflow>:<sha256>` makes it so across
/// restarts, crashes and several watchers. Files that cannot be read, or vanish before they are
/// finished, are recorded as rejected datasets with the reason.
public actor FolderWatcher {
    public struct Report: Sendable, Equatable {
        /// Relative path → run id, for runs submitted in this pass.
        public var submitted: [String: String] = [:]
        /// Files whose content had already been submitted for the workflow (a re-copy, a rename).
        public var duplicates: [String] = []
        /// Relative path → reason.
        public var rejected: [String: String] = [:]
        /// When a file will have been stable long enough, if nothing changes.
        public var nextDeadline: Date?

        public init() {}
    }

    public nonisolated let rules: [WatchRule]
    public nonisolated let settings: WatchSettings
    private let engine: Engine
    private let log: @Sendable (String) -> Void
    private var trackers: [UploadTracker]
    private let wake = WakeSignal()

    public init(engine: Engine, rules: [WatchRule], settings: WatchSettings, log: @escaping @Sendable (String) -> Void) {
        self.engine = engine
        self.rules = rules
        self.settings = settings
        self.log = log
        self.trackers = rules.map(UploadTracker.init)
    }

    /// The watcher of every workflow with `triggers.folder`. Refuses to start with nothing to watch
    /// or with a folder outside the allowed data roots (runs could not read its files).
    public static func make(engine: Engine, settings: WatchSettings, log: @escaping @Sendable (String) -> Void) throws -> FolderWatcher {
        var workflows: [Workflow] = []
        for file in engine.workflowFiles() {
            do { workflows.append(try engine.loadWorkflow(file.path)) } catch {
                log("skipping \(file.lastPathComponent): \(error)")
            }
        }
        let rules = WatchRule.rules(workflows: workflows, dataRoot: engine.layout.root, settings: settings)
        guard !rules.isEmpty else {
            throw WatchError.nothingToWatch("no workflow in \(engine.workflowsDirectory.path) declares triggers.folder: nothing to watch")
        }
        for rule in rules where engine.layout.resolveAllowed(rule.folder.path) == nil {
            throw WatchError.folderNotAllowed(folder: rule.folder.path, roots: engine.layout.allowedRoots.map(\.path))
        }
        return FolderWatcher(engine: engine, rules: rules, settings: settings, log: log)
    }

    /// Watches until the task is canceled: a pass now, then one after every inotify notice, at each
    /// stability deadline, and every poll interval.
    ///
    /// On a thread of its own: listing and stat-ing a NAS folder blocks while the share does not
    /// answer (a hard NFS mount waits for ever), and on the cooperative pool that would stop the
    /// server and worker sharing this process, not just the watcher.
    /// Nonisolated, so that the actor is entered from the thread: a preference set while already on
    /// the actor would not move it.
    public nonisolated func run() async {
        await ThreadExecutor.run(named: "watcher") { await self.watch() }
    }

    private func watch() async {
        let folders = Array(Set(rules.map(\.folder)))
        for folder in folders {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let wake = self.wake
        var inotify: Inotify?
        switch settings.mode {
        case .poll:
            break
        case .inotify:
            inotify = Inotify(folders: folders) { wake.signal() }
            if inotify == nil { log("inotify is unavailable: polling instead") }
        case .auto:
            if let remote = folders.first(where: Inotify.isNetworkFileSystem) {
                log("\(remote.path) is on a network file system: polling (inotify sees only this machine's writes)")
            } else {
                inotify = Inotify(folders: folders) { wake.signal() }
            }
        }
        let poll = settings.pollSeconds ?? (inotify == nil ? 2 : 30)
        for rule in rules {
            let finished = rule.doneFile ? "once <file>.done exists" : "after \(rule.stableSeconds.formatted()) s without change"
            log("watching \(rule.folder.path) for \(rule.include.joined(separator: ", ")) → \(rule.workflow), \(finished)")
        }
        log(
            inotify == nil
                ? "detection: rescans every \(poll.formatted()) s" : "detection: inotify, with a rescan every \(poll.formatted()) s")
        while !Task.isCancelled {
            let report = await tick()
            var timeout = poll
            if let deadline = report.nextDeadline {
                timeout = min(timeout, max(0.001, deadline.timeIntervalSince(engine.clock.now())))
            }
            await wake.wait(timeout: .milliseconds(Int64(timeout * 1000)), clock: engine.clock)
        }
        inotify?.stop()
    }

    /// One pass over every folder at the engine clock's now.
    @discardableResult
    public func tick() async -> Report {
        var report = Report()
        var scans: [URL: FolderScan] = [:]
        for index in trackers.indices {
            let rule = trackers[index].rule
            let scan = scans[rule.folder] ?? FolderScan(folder: rule.folder)
            scans[rule.folder] = scan
            let observation = trackers[index].observe(scan, now: engine.clock.now())
            for path in observation.vanished {
                await reject(path, rule: rule, snapshot: nil, reason: "vanished before it was complete", report: &report)
            }
            for path in observation.ready {
                if await take(path, rule: rule, snapshot: scan.files[path], report: &report) {
                    trackers[index].markTaken(path)
                }
            }
            if let deadline = observation.nextDeadline {
                report.nextDeadline = min(report.nextDeadline ?? deadline, deadline)
            }
        }
        return report
    }

    /// Registers the file and submits its run; false when it should be tried again (the store is
    /// unreachable), true when it is handled for good (submitted, duplicate or rejected).
    private func take(_ path: String, rule: WatchRule, snapshot: FileSnapshot?, report: inout Report) async -> Bool {
        let url = rule.folder.appendingPathComponent(path)
        if snapshot?.size == 0 {
            await reject(path, rule: rule, snapshot: snapshot, reason: "the file is empty", report: &report)
            return true
        }
        let dataset: DatasetRecord
        do {
            dataset = try await engine.registerDataset(path: url.path)
        } catch EngineError.fileNotFound {
            await reject(path, rule: rule, snapshot: snapshot, reason: "vanished before it could be read", report: &report)
            return true
        } catch EngineError.unreadable(_, let reason) {
            await reject(path, rule: rule, snapshot: snapshot, reason: "cannot be read: \(reason)", report: &report)
            return true
        } catch {
            log("\(url.path): cannot register the dataset, will try again: \(error)")
            return false
        }
        if dataset.status == "rejected" {
            // Registered but unreadable as CSV (the profile names the row): no run would get further.
            await reject(
                path, rule: rule, snapshot: snapshot, reason: dataset.rejectReason ?? "unreadable",
                recorded: true, report: &report)
            return true
        }
        // A crash here — registered, not submitted — loses nothing: the restarted watcher finds the
        // file again, the same dataset, and no run with this key yet.
        Failpoints.hit("watch-after-register")
        let key = "watch:\(rule.workflow):\(dataset.contentHash)"
        do {
            if let existing = try await engine.store.run(triggerKey: key) {
                report.duplicates.append(path)
                log("\(path): same content as dataset \(dataset.id), already run by \(existing.id)")
                return true
            }
            let run = try await engine.submit(
                SubmitRequest(
                    workflow: rule.workflowFile, datasetID: dataset.id,
                    trigger: .watcher, idempotencyKey: key))
            report.submitted[path] = run.id
            log("\(path): dataset \(dataset.id) → run \(run.id) of \(rule.workflow)")
            return true
        } catch let error as EngineError {
            // The workflow itself is wrong: retrying the same file will not help until it changes.
            log("\(path): cannot submit \(rule.workflow): \(error)")
            return true
        } catch {
            log("\(path): cannot submit \(rule.workflow), will try again: \(error)")
            return false
        }
    }

    /// Every rejection: reported, logged and, unless registration already `recorded` it, recorded
    /// as a rejected dataset; the same file rejected again for the same reason (a restarted
    /// watcher) is one record.
    private func reject(
        _ path: String, rule: WatchRule, snapshot: FileSnapshot?, reason: String, recorded: Bool = false,
        report: inout Report
    ) async {
        report.rejected[path] = reason
        log("\(path): rejected: \(reason)")
        guard !recorded else { return }
        let full = rule.folder.appendingPathComponent(path).path
        let version = snapshot.map { "\($0.size)|\($0.mtime)" } ?? "gone at \(Int64(engine.clock.now().timeIntervalSince1970))"
        let identity = ContentHash.sha256(of: "\(full)|\(version)|\(reason)")
        let record = DatasetRecord(
            id: "rej-" + identity.prefix(12), path: full, sizeBytes: snapshot?.size ?? 0,
            contentHash: "rejected:" + identity, registeredAt: engine.clock.now(),
            status: "rejected", rejectReason: reason)
        do { _ = try await engine.store.registerDataset(record) } catch {
            log("\(path): cannot record the rejection: \(error)")
        }
    }
}

/// Wakes a waiting loop early; a signal with nobody waiting is kept for the next wait.
final class WakeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    func signal() {
        let resume: CheckedContinuation<Void, Never>? = lock.withLock {
            if let waiter {
                self.waiter = nil
                return waiter
            }
            pending = true
            return nil
        }
        resume?.resume()
    }

    func wait(timeout: Duration, clock: any EngineClock) async {
        let timer = Task { [weak self] in
            try? await clock.sleep(for: timeout)
            if !Task.isCancelled { self?.signal() }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now: Bool = lock.withLock {
                    if pending {
                        pending = false
                        return true
                    }
                    waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            self.signal()
        }
        timer.cancel()
        lock.withLock { pending = false }
    }
}
