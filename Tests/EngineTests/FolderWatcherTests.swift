import Engine
import Foundation
import Store
import TestSupport
import Testing

/// The watcher on real files and a real store, with the manual clock: "stable for 5 s" is the
/// clock moving 5 s, not the test sleeping.
@Suite struct FolderWatcherTests {
    static let workflow = """
        name: ingest
        version: 1
        inputs:
          dataset: { type: dataset, required: true }
        triggers:
          folder: { path: inbound, include: ["*.csv", "*.tsv"], stable_seconds: 5 }
        steps:
          s:
            uses: noop
            with: { path: "${{ inputs.dataset.path }}" }
        """

    let h: Harness
    var inbound: URL { h.engine.layout.inbound }

    init() async throws {
        h = try await Harness()
        try h.write("ingest", Self.workflow)
        try FileManager.default.createDirectory(at: h.engine.layout.inbound, withIntermediateDirectories: true)
    }

    func watcher(_ settings: WatchSettings = WatchSettings()) throws -> FolderWatcher {
        try FolderWatcher.make(engine: h.engine, settings: settings) { _ in }
    }

    func write(_ name: String, _ text: String, append: Bool = false) throws {
        let url = inbound.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if append, let handle = try? FileHandle(forWritingTo: url) {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        } else {
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
    }

    func runCount() async throws -> Int { try await h.store.runs(RunQuery(limit: 1000)).count }

    @Test func aFileWrittenInChunksWaitsUntilStableForStableSeconds() async throws {
        let w = try watcher()
        try write("exam.csv", "exam_id,t,v\n")
        #expect(await w.tick().submitted.isEmpty)
        for chunk in 0..<4 {
            h.clock.advance(by: .seconds(3))  // 3 s between chunks: never 5 s unchanged
            try write("exam.csv", "e\(chunk),\(chunk),1.5\n", append: true)
            #expect(await w.tick().submitted.isEmpty, "chunk \(chunk): still arriving")
        }
        h.clock.advance(by: .seconds(4))
        let early = await w.tick()
        #expect(early.submitted.isEmpty, "4 s unchanged is not 5")
        #expect(early.nextDeadline == h.clock.now().addingTimeInterval(1))
        h.clock.advance(by: .seconds(1))
        let report = await w.tick()
        #expect(report.submitted.keys.sorted() == ["exam.csv"])
        #expect(try await runCount() == 1)
        let run = try #require(try await h.store.runs(RunQuery()).first)
        #expect(run.trigger == .watcher)
        #expect(run.inputsJSON.contains("exam.csv"))
        // Nothing changes: nothing happens again.
        h.clock.advance(by: .seconds(60))
        #expect(await w.tick() == FolderWatcher.Report())
    }

    @Test func doneFileModeWaitsForTheMarkerAndAMarkerFirstWaitsForItsFile() async throws {
        let w = try watcher(WatchSettings(useDoneFile: true))
        try write("a.csv", "x\n1\n")
        h.clock.advance(by: .seconds(3600))
        #expect(await w.tick().submitted.isEmpty, "no marker: never")
        #expect(await w.tick().submitted.isEmpty)
        try write("a.csv.done", "")
        #expect(await w.tick().submitted.keys.sorted() == ["a.csv"])

        try write("b.csv.done", "")  // the marker first
        #expect(await w.tick().submitted.isEmpty)
        try write("b.csv", "x\n2\n")
        #expect(await w.tick().submitted.isEmpty, "just appeared: could still be growing")
        #expect(await w.tick().submitted.keys.sorted() == ["b.csv"], "unchanged across two scans")
        #expect(try await runCount() == 2)
    }

    @Test func renamesCopiesAndReusedNamesMakeOneRunPerContent() async throws {
        let w = try watcher(WatchSettings(stableSeconds: 0))
        // The atomic-upload pattern: written under a temporary name, renamed into place.
        try write("up.csv.part", "x\n1\n")
        try write("up.csv.tmp", "x\n1\n")
        try write(".hidden.csv", "x\n1\n")
        try write("backup.csv~", "x\n1\n")
        #expect(await w.tick() == FolderWatcher.Report(), "temporary names are ignored")
        try FileManager.default.moveItem(at: inbound.appendingPathComponent("up.csv.part"), to: inbound.appendingPathComponent("up.csv"))
        #expect(await w.tick().submitted.keys.sorted() == ["up.csv"])
        // A re-copy of the same content under another name, and in a nested folder.
        try write("copy.csv", "x\n1\n")
        try write("2024/11/again.csv", "x\n1\n")
        let copies = await w.tick()
        #expect(copies.submitted.isEmpty)
        #expect(copies.duplicates.sorted() == ["2024/11/again.csv", "copy.csv"])
        // The same name later with different content is a new dataset and a new run.
        try FileManager.default.removeItem(at: inbound.appendingPathComponent("up.csv"))
        _ = await w.tick()
        try write("up.csv", "x\n2\n")
        #expect(await w.tick().submitted.keys.sorted() == ["up.csv"])
        try write("2024/11/new.tsv", "x\t3\n")
        #expect(await w.tick().submitted.keys.sorted() == ["2024/11/new.tsv"], "nested folders are watched")
        #expect(try await runCount() == 3)
        #expect(Set(try await h.store.datasets(limit: 100).map(\.contentHash)).count == 3)
    }

    @Test func includeExtFilters() async throws {
        let w = try watcher(WatchSettings(stableSeconds: 0, includeExtensions: [".tsv"]))
        try write("a.csv", "x\n1\n")
        try write("b.TSV", "x\n2\n")
        #expect(await w.tick().submitted.keys.sorted() == ["b.TSV"], "INCLUDE_EXT wins over the trigger's patterns, case-insensitively")
        try write("c.txt", "x\n3\n")
        #expect(await w.tick().submitted.isEmpty)
    }

    @Test func unreadableEmptyAndVanishedFilesAreRejectedVisiblyAndTheWatcherGoesOn() async throws {
        let w = try watcher()
        try write("empty.csv", "")
        try write("gone.csv", "x\n1\n")
        try write("locked.csv", "x\n2\n")
        chmod(inbound.appendingPathComponent("locked.csv").path, 0)
        defer { chmod(inbound.appendingPathComponent("locked.csv").path, 0o644) }
        _ = await w.tick()
        try FileManager.default.removeItem(at: inbound.appendingPathComponent("gone.csv"))
        try write("fine.csv", "x\n3\n")
        h.clock.advance(by: .seconds(5))
        let report = await w.tick()
        #expect(report.rejected["gone.csv"] == "vanished before it was complete")
        #expect(report.rejected["empty.csv"] == "the file is empty")
        let readableByRoot = getuid() == 0  // root reads a mode-000 file
        if !readableByRoot { #expect(report.rejected["locked.csv"]?.hasPrefix("cannot be read") == true) }
        h.clock.advance(by: .seconds(5))
        #expect(await w.tick().submitted.keys.contains("fine.csv"), "the watcher goes on")
        let rejected = try await h.store.datasets(limit: 100).filter { $0.status == "rejected" }
        #expect(rejected.contains { $0.path.hasSuffix("gone.csv") && $0.rejectReason == "vanished before it was complete" })
        #expect(rejected.contains { $0.path.hasSuffix("empty.csv") })
        // Rejections are recorded once, even by a restarted watcher.
        let again = try watcher()
        _ = await again.tick()
        h.clock.advance(by: .seconds(5))
        _ = await again.tick()
        #expect(try await h.store.datasets(limit: 100).filter { $0.path.hasSuffix("empty.csv") }.count == 1)
    }

    @Test func aRestartedWatcherHandlesWhatArrivedMeanwhileAndNothingTwice() async throws {
        let first = try watcher(WatchSettings(stableSeconds: 0))
        try write("one.csv", "x\n1\n")
        #expect(await first.tick().submitted.count == 1)
        // Down: files arrive.
        try write("two.csv", "x\n2\n")
        try write("three.csv", "x\n3\n")
        let second = try watcher(WatchSettings(stableSeconds: 0))
        let report = await second.tick()
        #expect(report.submitted.keys.sorted() == ["three.csv", "two.csv"])
        #expect(report.duplicates == ["one.csv"])
        #expect(try await runCount() == 3)
    }

    /// A watcher blocked in a call that does not return (a NAS share that stopped answering; here its
    /// log line blocks) holds its own thread only: more blocked watchers than the cooperative pool
    /// has threads leave this test free to run and release them.
    @Test func aBlockedWatcherHoldsOnlyItsOwnThread() async throws {
        let gate = BlockingGate()
        let count = ProcessInfo.processInfo.activeProcessorCount + 1
        var running: [Task<Void, Never>] = []
        for _ in 0..<count {
            let watcher = try FolderWatcher.make(engine: h.engine, settings: WatchSettings()) { _ in gate.block() }
            running.append(Task { await watcher.run() })
        }
        try await gate.releaseWhenEntered(count)
        for task in running { task.cancel() }
        #expect(gate.count >= count)
        #expect(gate.timeouts == 0, "blocked watchers held the cooperative pool")
    }

    @Test func badSettingsAreRefusedNamingTheVariable() throws {
        #expect(throws: WatchError.badSetting("STABLE_SECONDS=soon: expected a number of seconds, e.g. 5")) {
            try WatchSettings.fromEnvironment(["STABLE_SECONDS": "soon"])
        }
        #expect(throws: WatchError.badSetting("USE_DONE_FILE=maybe: expected true or false")) {
            try WatchSettings.fromEnvironment(["USE_DONE_FILE": "maybe"])
        }
        #expect(throws: WatchError.badSetting("FLOWRUN_WATCH_MODE=fast: expected one of auto, inotify, poll")) {
            try WatchSettings.fromEnvironment(["FLOWRUN_WATCH_MODE": "fast"])
        }
        let settings = try WatchSettings.fromEnvironment(["INCLUDE_EXT": "csv, .TSV", "USE_DONE_FILE": "true", "STABLE_SECONDS": "2.5"])
        #expect(settings == WatchSettings(stableSeconds: 2.5, useDoneFile: true, includeExtensions: [".csv", ".tsv"]))
    }

    @Test func aFolderOutsideTheDataRootsIsRefused() throws {
        #expect(throws: WatchError.self) {
            try watcher(WatchSettings(directory: "/tmp/somewhere-else-\(UUID().uuidString)"))
        }
    }
}
