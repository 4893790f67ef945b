import Engine
import FlowSpec
import Foundation
import Steps
import Store
import TestSupport
import Testing

/// Matrix sweeps through the real engine, store and files: instances submitted as ordinary steps,
/// the shared upstream run once, inheriting steps paired item by item, a gathering step reading
/// every item, one instance retried alone, and caching per instance.
@Suite struct MatrixRunTests {
    static func sweep(tags: [String]) -> String {
        """
        name: sweep
        version: 1
        inputs:
          dataset: { type: dataset, required: true }
        steps:
          prep:
            uses: writer
            with: { input: "${{ inputs.dataset.path }}", tag: prep }
          fit:
            uses: writer
            needs: [prep]
            matrix: { tag: [\(tags.joined(separator: ", "))] }
            with: { input: "${{ steps.prep.outputs.file }}", tag: "${{ matrix.tag }}" }
          score:
            uses: writer
            needs: [fit]
            with: { input: "${{ steps.fit.outputs.file }}", tag: "score-${{ matrix.tag }}" }
          pick:
            uses: noop
            needs: [score]
            gather: true
            with: { items: "${{ steps.score.items }}" }
        """
    }

    static func harness(_ database: TestDatabase, tags: [String]) async throws -> Harness {
        let h = try await Harness(database: database) { registry, counter in registry.register(WriterStep(counter: counter)) }
        try h.write("sweep", sweep(tags: tags))
        try "exam,value\n1,2\n".write(to: h.engine.layout.root.appendingPathComponent("exams.csv"), atomically: true, encoding: .utf8)
        return h
    }

    static func submit(_ h: Harness, workflow: String = "sweep") async throws -> RunRecord {
        let run = try await h.engine.submit(
            SubmitRequest(
                workflow: workflow, datasetPath: h.engine.layout.root.appendingPathComponent("exams.csv").path, trigger: .cli))
        let finished = try await h.runToEnd(run.id, worker: h.worker(runID: run.id, concurrency: 3))
        #expect(finished.state == .succeeded, "\(finished.error ?? "")")
        return finished
    }

    static func file(_ step: StepRunRecord?) throws -> String {
        let path = try #require(step?.outputs["file"].flatMap(Value.init(jsonText:))?.stringValue)
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test(arguments: TestDatabase.all) func instancesShareUpstreamPairItemsAndGather(database: TestDatabase) async throws {
        let h = try await Self.harness(database, tags: ["a", "b", "c"])
        let run = try await Self.submit(h)
        let steps = try await h.steps(run.id)
        #expect(
            Set(steps.keys) == ["prep", "fit[tag=a]", "fit[tag=b]", "fit[tag=c]", "score[tag=a]", "score[tag=b]", "score[tag=c]", "pick"])
        #expect(await h.counter.count("prep") == 1)
        for tag in ["a", "b", "c"] {
            #expect(await h.counter.count("fit[tag=\(tag)]") == 1)
            // score[tag=b] read fit[tag=b]'s file, not another item's.
            #expect(try Self.file(steps["score[tag=\(tag)]"]) == "exam,value\n1,2\n|prep|\(tag)|score-\(tag)")
            // Each instance has its own artifact folder and log.
            let folder = h.engine.layout.artifactDirectory(run: run.id, step: "score[tag=\(tag)]").appendingPathComponent("out.txt")
            #expect(FileManager.default.fileExists(atPath: folder.path))
        }
        #expect(steps["score[tag=a]"]?.needs == ["fit[tag=a]"])
        // The gathering step got every item, in matrix order, with its values and outputs.
        let items = try #require(steps["pick"]?.outputs["items"].flatMap(Value.init(jsonText:))?.listValue)
        #expect(items.compactMap { $0.mapValue?["id"]?.stringValue } == ["score[tag=a]", "score[tag=b]", "score[tag=c]"])
        #expect(items.compactMap { $0.mapValue?["matrix"]?.mapValue?["tag"]?.stringValue } == ["a", "b", "c"])
        let firstFile = try #require(items.first?.mapValue?["outputs"]?.mapValue?["file"]?.stringValue)
        #expect(firstFile == h.engine.layout.artifactDirectory(run: run.id, step: "score[tag=a]").appendingPathComponent("out.txt").path)
    }

    @Test(arguments: TestDatabase.all) func oneInstanceIsRetriedAlone(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write(
            "flaky-sweep",
            """
            name: flaky-sweep
            version: 1
            steps:
              try:
                uses: flaky
                retries: { max: 3, delay: 1s }
                matrix: { fails: [0, 2] }
                with: { fail_times: "${{ matrix.fails }}" }
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "flaky-sweep", trigger: .cli))
        let finished = try await h.runToEnd(run.id)
        #expect(finished.state == .succeeded, "\(finished.error ?? "")")
        let attempts = try await h.store.attempts(runID: run.id)
        #expect(attempts.filter { $0.stepID == "try[fails=0]" }.count == 1)
        #expect(attempts.filter { $0.stepID == "try[fails=2]" }.count == 3)
        #expect(try h.log(run.id, "try[fails=2]", attempt: 1).contains("planned failure 1"))
    }

    @Test(arguments: TestDatabase.all) func oneMoreMatrixValueComputesOnlyTheNewInstance(database: TestDatabase) async throws {
        let h = try await Self.harness(database, tags: ["a", "b"])
        let first = try await Self.submit(h)
        try h.write("sweep", Self.sweep(tags: ["a", "b", "c"]))
        let second = try await Self.submit(h)
        let steps = try await h.steps(second.id)
        #expect(steps["prep"]?.state == .cached)
        for tag in ["a", "b"] {
            #expect(steps["fit[tag=\(tag)]"]?.state == .cached)
            #expect(steps["score[tag=\(tag)]"]?.state == .cached)
            #expect(await h.counter.count("fit[tag=\(tag)]") == 1)
        }
        #expect(steps["fit[tag=c]"]?.state == .succeeded)
        #expect(steps["score[tag=c]"]?.state == .succeeded)
        #expect(await h.counter.count("fit[tag=c]") == 1)
        #expect(await h.counter.count("prep") == 1)
        // The cached instance came from the same instance of the first run.
        let cached = try #require(try await h.store.attempts(runID: second.id).last { $0.stepID == "fit[tag=b]" })
        #expect(cached.cache?.cachedFrom == StepAttemptKey(runID: first.id, stepID: "fit[tag=b]", attempt: 1))
    }

    /// A gathering step needs every item: as with any need, a skipped instance skips it too
    /// (docs/experiments.md says to leave a combination out with `exclude:` instead).
    @Test(arguments: TestDatabase.all) func aSkippedInstanceSkipsTheGather(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write(
            "skips",
            """
            name: skips
            version: 1
            steps:
              fit:
                uses: noop
                matrix: { tag: [a, b, c] }
                if: ${{ matrix.tag != 'b' }}
                with: { tag: "${{ matrix.tag }}" }
              pick:
                uses: noop
                needs: [fit]
                gather: true
                with: { items: "${{ steps.fit.items }}" }
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "skips", trigger: .cli))
        let finished = try await h.runToEnd(run.id)
        #expect(finished.state == .succeeded, "\(finished.error ?? "")")
        let steps = try await h.steps(run.id)
        #expect(steps["fit[tag=b]"]?.state == .skipped)
        #expect(steps["fit[tag=a]"]?.state == .succeeded)
        #expect(steps["pick"]?.state == .skipped)
    }

    /// max_parallel's lanes: a failed instance stops the rest of its lane only (docs/experiments.md).
    @Test(arguments: TestDatabase.all) func aFailedInstanceStopsOnlyItsLane(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        try h.write(
            "lanes",
            """
            name: lanes
            version: 1
            steps:
              fit:
                run: test "${{ matrix.n }}" != 1
                retries: 0
                matrix: { n: [1, 2, 3, 4], max_parallel: 2 }
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "lanes", trigger: .cli))
        let finished = try await h.runToEnd(run.id, worker: h.worker(runID: run.id, concurrency: 4))
        #expect(finished.state == .failed)
        let steps = try await h.steps(run.id)
        #expect(steps["fit[n=1]"]?.state == .failed)
        #expect(steps["fit[n=3]"]?.state == .upstreamFailed)
        #expect(steps["fit[n=2]"]?.state == .succeeded)
        #expect(steps["fit[n=4]"]?.state == .succeeded)
    }
}
