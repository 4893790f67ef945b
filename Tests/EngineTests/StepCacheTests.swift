import Engine
import FlowSpec
import Foundation
import Steps
import Store
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Step caching through the real engine, store and files: a step whose key (what it runs, its
/// resolved parameters, the content of the files it reads) matches a computed success reuses it.
@Suite struct StepCacheTests {
    /// `prep` reads the dataset, `fit` reads prep's file; both are `writer` steps (cached by default).
    static let pipeline = """
        name: pipe
        version: 1
        params:
          model: { type: string, default: a }
          window: { type: number, default: 50 }
        inputs:
          dataset: { type: dataset, required: true }
        steps:
          prep:
            uses: writer
            with: { input: "${{ inputs.dataset.path }}", tag: "w${{ params.window }}" }
          fit:
            uses: writer
            needs: [prep]
            with: { input: "${{ steps.prep.outputs.file }}", tag: "${{ params.model }}" }
        """

    static func harness(_ database: TestDatabase) async throws -> Harness {
        let h = try await Harness(database: database) { registry, counter in registry.register(WriterStep(counter: counter)) }
        try h.write("pipe", pipeline)
        try "exam,value\n1,2\n".write(to: h.engine.layout.root.appendingPathComponent("exams.csv"), atomically: true, encoding: .utf8)
        return h
    }

    static func submit(
        _ h: Harness, params: [String: Value] = [:], dataset: String = "exams.csv", cache: Bool = true
    ) async throws -> RunRecord {
        let run = try await h.engine.submit(
            SubmitRequest(
                workflow: "pipe", params: params, datasetPath: h.engine.layout.root.appendingPathComponent(dataset).path,
                trigger: .cli, cache: cache))
        let finished = try await h.runToEnd(run.id)
        #expect(finished.state == .succeeded, "\(finished.error ?? "")")
        return finished
    }

    static func attempt(_ h: Harness, _ run: String, _ step: String) async throws -> AttemptRecord {
        try #require(try await h.store.attempts(runID: run).last { $0.stepID == step })
    }

    static func inode(_ path: String) -> UInt64 {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : 0
    }

    @Test(arguments: TestDatabase.all) func aSecondRunWithTheSameInputsReusesEveryResult(database: TestDatabase) async throws {
        let h = try await Self.harness(database)
        let first = try await Self.submit(h)
        let second = try await Self.submit(h)
        #expect(await h.counter.count("prep") == 1)
        #expect(await h.counter.count("fit") == 1)
        let steps = try await h.steps(second.id)
        #expect(steps["prep"]?.state == .cached)
        #expect(steps["fit"]?.state == .cached)
        // Outputs point into the second run's own folder, whose file shares the first run's data.
        let file = try #require(steps["fit"]?.outputs["file"].flatMap(Value.init(jsonText:))?.stringValue)
        let own = h.engine.layout.artifactDirectory(run: second.id, step: "fit").appendingPathComponent("out.txt").path
        #expect(file == own)
        #expect(try String(contentsOfFile: own, encoding: .utf8) == "exam,value\n1,2\n|w50|a")
        let original = h.engine.layout.artifactDirectory(run: first.id, step: "fit").appendingPathComponent("out.txt").path
        #expect(Self.inode(own) == Self.inode(original))
        // The link to the source attempt, the metrics, and the events say where it came from.
        let fit = try await Self.attempt(h, second.id, "fit")
        #expect(fit.outcome == "cached")
        #expect(fit.cache?.cachedFrom == StepAttemptKey(runID: first.id, stepID: "fit", attempt: 1))
        #expect(fit.cache?.isEntry == false)
        #expect(try await h.store.metrics(runID: second.id).contains { $0.stepID == "fit" && $0.name == "length" })
        let events = try await h.store.events(runID: second.id, after: 0, limit: 100).map(\.message)
        #expect(events.contains { $0.contains("fit: running → cached") && $0.contains(first.id) })
        // One entry per computed step; cached attempts are not entries.
        let usage = try await h.store.cacheUsage()
        #expect(usage.entries == 2)
        #expect(usage.bytes > 0)
    }

    @Test(arguments: TestDatabase.all) func aChangedParamRunsOnlyWhatReadsItAndSaysWhy(database: TestDatabase) async throws {
        let h = try await Self.harness(database)
        _ = try await Self.submit(h)
        let second = try await Self.submit(h, params: ["model": "b"])
        let steps = try await h.steps(second.id)
        #expect(steps["prep"]?.state == .cached)
        #expect(steps["fit"]?.state == .succeeded)
        let note = try await Self.attempt(h, second.id, "fit").cache?.note ?? ""
        #expect(note.contains("param tag a → b"), "\(note)")
        // A changed window changes prep's output, so fit runs because prep's file changed.
        let third = try await Self.submit(h, params: ["model": "b", "window": 25])
        let prepNote = try await Self.attempt(h, third.id, "prep").cache?.note ?? ""
        #expect(prepNote.contains("param tag w50 → w25"), "\(prepNote)")
        let fitNote = try await Self.attempt(h, third.id, "fit").cache?.note ?? ""
        #expect(fitNote.contains("prep's output out.txt changed"), "\(fitNote)")
    }

    @Test(arguments: TestDatabase.all) func newDatasetContentIsAMissThatSaysSo(database: TestDatabase) async throws {
        let h = try await Self.harness(database)
        _ = try await Self.submit(h)
        try "exam,value\n1,3\n".write(to: h.engine.layout.root.appendingPathComponent("exams.csv"), atomically: true, encoding: .utf8)
        let second = try await Self.submit(h)
        #expect(try await h.steps(second.id)["prep"]?.state == .succeeded)
        #expect(try await Self.attempt(h, second.id, "prep").cache?.note?.contains("dataset content changed") == true)
    }

    @Test(arguments: TestDatabase.all) func anEntryWhoseFilesWereDeletedIsAMissNotAnError(database: TestDatabase) async throws {
        let h = try await Self.harness(database)
        let first = try await Self.submit(h)
        try FileManager.default.removeItem(at: h.engine.layout.artifactDirectory(run: first.id, step: "prep"))
        let second = try await Self.submit(h)
        let steps = try await h.steps(second.id)
        #expect(steps["prep"]?.state == .succeeded)
        #expect(await h.counter.count("prep") == 2)
        #expect(try await Self.attempt(h, second.id, "prep").cache?.note == "the cached result's files were deleted")
        // Its recomputed file has the same content, so fit's key is unchanged: fit is cached.
        #expect(steps["fit"]?.state == .cached)
    }

    @Test(arguments: TestDatabase.all) func noCacheRunsEverythingAndClearForgetsEntries(database: TestDatabase) async throws {
        let h = try await Self.harness(database)
        _ = try await Self.submit(h)
        let forced = try await Self.submit(h, cache: false)
        #expect(try await h.steps(forced.id).values.allSatisfy { $0.state == .succeeded })
        #expect(try await Self.attempt(h, forced.id, "prep").cache?.note == "caching is off for this run (--no-cache)")
        #expect(await h.counter.count("prep") == 2)
        #expect(try await h.store.cacheUsage().entries == 4)
        #expect(try await h.engine.clearCache(olderThan: nil) == 4)
        #expect(try await h.store.cacheUsage() == CacheUsage(entries: 0, bytes: 0))
        let after = try await Self.submit(h)
        #expect(try await h.steps(after.id)["prep"]?.state == .succeeded)
        #expect(try await Self.attempt(h, after.id, "prep").cache?.note?.contains("no longer in the cache") == true)
    }

    @Test(arguments: TestDatabase.all) func clearOlderThanKeepsNewerEntries(database: TestDatabase) async throws {
        let h = try await Self.harness(database)
        _ = try await Self.submit(h)
        h.clock.advance(by: .seconds(3 * 86_400))
        _ = try await Self.submit(h, params: ["model": "z"])
        #expect(try await h.engine.clearCache(olderThan: .seconds(2 * 86_400)) == 2)
        #expect(try await h.engine.cacheEntries(limit: 10).map(\.source.stepID) == ["fit"])
    }

    @Test(arguments: TestDatabase.all) func commandsCacheOnlyWhenTheyOptIn(database: TestDatabase) async throws {
        let h = try await Harness(database: database) { registry, counter in registry.register(WriterStep(counter: counter)) }
        try h.write(
            "cmd",
            """
            name: cmd
            version: 1
            defaults:
              cache: true
            steps:
              opted:
                run: echo one > out.txt; echo "::output file=$FLOWRUN_ARTIFACTS/out.txt"
              plain:
                run: echo two
                cache: false
              noop:
                uses: noop
                with: { v: 1 }
            """)
        try h.write(
            "cmd-default",
            """
            name: cmd-default
            version: 1
            steps:
              plain:
                run: echo three
              off:
                uses: writer
                cache: false
                with: { input: "x.txt" }
            """)
        try "x".write(to: h.engine.layout.root.appendingPathComponent("x.txt"), atomically: true, encoding: .utf8)
        var states: [[String: StepState]] = []
        for name in ["cmd", "cmd", "cmd-default", "cmd-default"] {
            let run = try await h.engine.submit(SubmitRequest(workflow: name, trigger: .cli))
            #expect(try await h.runToEnd(run.id).state == .succeeded)
            states.append(try await h.steps(run.id).mapValues(\.state))
        }
        #expect(states[1] == ["opted": .cached, "plain": .succeeded, "noop": .cached])
        #expect(states[3] == ["plain": .succeeded, "off": .succeeded])
        #expect(await h.counter.count("off") == 2)
    }

    @Test(arguments: TestDatabase.all) func twoRunsWithOneKeyAtOnceNeverMixTheirFiles(database: TestDatabase) async throws {
        let h = try await Self.harness(database)
        let runs = [
            try await h.engine.submit(
                SubmitRequest(workflow: "pipe", datasetPath: h.engine.layout.root.appendingPathComponent("exams.csv").path, trigger: .cli)),
            try await h.engine.submit(
                SubmitRequest(workflow: "pipe", datasetPath: h.engine.layout.root.appendingPathComponent("exams.csv").path, trigger: .cli)),
        ]
        // One worker for both runs, two steps at a time: both prep steps start before either finishes.
        let worker = h.worker(concurrency: 4)
        let task = Task { try await worker.run() }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let states = try await runs.asyncMap { try await h.store.run(id: $0.id)?.state }
            if states.allSatisfy({ $0?.isFinished == true }) { break }
            try await Task.sleep(for: .milliseconds(5))
            if h.clock.sleeperCount > 0 { h.clock.advance(by: .seconds(1)) }
        }
        task.cancel()
        _ = try? await task.value
        for run in runs {
            #expect(try await h.store.run(id: run.id)?.state == .succeeded)
            let steps = try await h.steps(run.id)
            for (step, expected) in [("prep", "exam,value\n1,2\n|w50"), ("fit", "exam,value\n1,2\n|w50|a")] {
                let path = try #require(steps[step]?.outputs["file"].flatMap(Value.init(jsonText:))?.stringValue)
                #expect(path.hasPrefix(h.engine.layout.artifactDirectory(run: run.id, step: step).path + "/"))
                #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
                let files = try FileManager.default.contentsOfDirectory(
                    atPath: h.engine.layout.artifactDirectory(run: run.id, step: step).path)
                #expect(files == ["out.txt"])
            }
        }
        // Computed once or twice, never more; no staging folder is left behind.
        #expect(await (1...2).contains(h.counter.count("prep")))
        for run in runs {
            let left = try FileManager.default.contentsOfDirectory(atPath: h.engine.layout.runs.appendingPathComponent(run.id).path)
            #expect(left.sorted() == ["fit", "prep"])
        }
    }
}

/// Reads a file, writes it back with a tag into `out.txt`; counts its executions per step id.
struct WriterStep: Step {
    static let name = "writer"
    let counter: AttemptCounter

    func run(_ context: StepContext) async throws -> StepResult {
        _ = await counter.next(context.stepID)
        let input = try context.parameters.string("input")
        let text =
            try String(contentsOf: context.existingFile(input, parameter: "input"), encoding: .utf8)
            + "|" + (try context.parameters.string("tag", default: ""))
        let out = context.artifactDirectory.appendingPathComponent("out.txt")
        try text.write(to: out, atomically: true, encoding: .utf8)
        return StepResult(outputs: ["file": .string(out.path)], metrics: ["length": Double(text.count)])
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
