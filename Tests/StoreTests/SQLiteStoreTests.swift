import Foundation
import Logging
import SQLKit
import SQLiteNIO
import Store
import Testing

/// The SQLite store's own guarantees (the engine tests exercise claiming and completion).
@Suite struct SQLiteStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path

    @Test func aNewerSchemaIsRefusedWithAClearMessage() async throws {
        let store = try await SQLStore.open(url: path, logger: Logger(label: "t"))
        try await store.close()
        // A later flowrun migrated this file further.
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        // What this binary supports is what it just migrated to (each migration moves it on).
        let latest = try await connection.query("SELECT MAX(version) AS v FROM schema_migrations").first?.column("v")?.integer ?? 0
        #expect(latest >= 4)
        _ = try await connection.query("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)")
        try await connection.close()
        await #expect(throws: StoreError.schemaTooNew(found: 99, supported: latest)) {
            try await SQLStore.open(url: path, logger: Logger(label: "t"))
        }
    }

    @Test func aCorruptFileIsRefusedNamingIt() async throws {
        try Data(String(repeating: "garbage ", count: 1000).utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try await SQLStore.open(url: path, logger: Logger(label: "t"))
            Issue.record("a corrupt file must be refused")
        } catch let error as StoreError {
            #expect("\(error)".hasPrefix(path))
            #expect("\(error)".contains("not a flowrun database"))
        }
    }
}

extension SQLiteStoreTests {
    /// Long texts (heap strings), absent and present optionals, through the full and the summary
    /// reads, many times over: what the SQLite driver's typed decode hands back.
    @Test func longTextsSurviveManyReads() async throws {
        let store = try await SQLStore.open(url: path, logger: Logger(label: "t"))
        let long = String(repeating: "a long workflow text ✓ ", count: 40)
        var run = RunRecord(
            id: "run-with-a-long-identifier-\(UUID().uuidString)", workflowName: "workflow-with-a-long-name",
            workflowYAML: long, workflowHash: String(repeating: "f", count: 64), paramsJSON: #"{"model_type":"gradient_boosting"}"#,
            inputsJSON: "{}", datasetID: nil, trigger: .api, createdAt: Date(timeIntervalSince1970: 1))
        run.error = "an error message longer than fifteen bytes"
        try await store.createRun(run, steps: [NewStepRun(stepID: "a-step-with-a-long-name", position: 0, needs: [], maxAttempts: 1)])
        // A claimed step has a worker name and a lease: optional texts and numbers that are set.
        _ = try #require(
            try await store.claimReadyStep(
                worker: "a-worker-with-a-long-name:12345", runID: run.id,
                now: Date(timeIntervalSince1970: 2), leaseUntil: Date(timeIntervalSince1970: 60)))
        var kept: [RunRecord] = []
        var steps: [StepRunRecord] = []
        for _ in 0..<300 {
            steps += try await store.steps(runID: run.id)
            let read = try #require(try await store.run(id: run.id))
            kept.append(read)
            #expect(try await store.steps(runID: run.id).map(\.stepID) == ["a-step-with-a-long-name"])
            #expect(try await store.runSummaries(RunQuery(limit: 5)).map(\.id) == [run.id])
        }
        #expect(kept.allSatisfy { $0.workflowYAML == long && $0.id == run.id && $0.datasetID == nil })
        #expect(steps.allSatisfy { $0.worker == "a-worker-with-a-long-name:12345" && $0.leaseExpiresAt != nil })
        try await store.close()
    }
}
