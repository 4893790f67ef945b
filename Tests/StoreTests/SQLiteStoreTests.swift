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
        _ = try await connection.query("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)")
        try await connection.close()
        await #expect(throws: StoreError.schemaTooNew(found: 99, supported: 1)) {
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

    @Test func datasetsAreDedupedByContent() async throws {
        let store = try await SQLStore.open(url: path, logger: Logger(label: "t"))
        let first = DatasetRecord(id: "ds-1", path: "/a.csv", sizeBytes: 3, contentHash: "abc", registeredAt: Date(timeIntervalSince1970: 1))
        #expect(try await store.registerDataset(first).created)
        var renamed = first
        renamed.id = "ds-2"
        renamed.path = "/b.csv"
        let again = try await store.registerDataset(renamed)
        #expect(!again.created)
        #expect(again.record.id == "ds-1")
        try await store.close()
    }

    @Test func runsPageNewestFirst() async throws {
        let store = try await SQLStore.open(url: path, logger: Logger(label: "t"))
        for i in 0..<5 {
            try await store.createRun(
                RunRecord(id: "r\(i)", workflowName: i % 2 == 0 ? "even" : "odd", workflowYAML: "", workflowHash: "",
                          paramsJSON: "{}", inputsJSON: "{}", datasetID: nil, trigger: .api, createdAt: Date(timeIntervalSince1970: Double(i))),
                steps: [NewStepRun(stepID: "s", position: 0, needs: [], maxAttempts: 1)])
        }
        let page1 = try await store.runs(RunQuery(limit: 2))
        #expect(page1.map(\.id) == ["r4", "r3"])
        let page2 = try await store.runs(RunQuery(limit: 2, before: "r3"))
        #expect(page2.map(\.id) == ["r2", "r1"])
        #expect(try await store.runs(RunQuery(workflow: "odd")).map(\.id) == ["r3", "r1"])
        #expect(try await store.runCounts() == [.queued: 5])
        try await store.close()
    }
}
