import Engine
import FlowSpec
import Foundation
import Store
import TestSupport
import Testing

/// Registering a dataset records its profile; a CSV that cannot be read is rejected with its row,
/// and a run on it is refused before anything is written.
@Suite struct DatasetProfileRegistrationTests {
    @Test(arguments: TestDatabase.all) func aCSVIsDescribedAndABrokenOneRejected(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        let inbound = h.engine.layout.root.appendingPathComponent("inbound")
        try FileManager.default.createDirectory(at: inbound, withIntermediateDirectories: true)
        let good = inbound.appendingPathComponent("good.csv")
        try "exam_id,timestamp,x,label\nA,1,1,pass\nA,2,2,pass\nB,3,,fail\n".write(to: good, atomically: true, encoding: .utf8)
        let dataset = try await h.engine.registerDataset(path: good.path)
        #expect(dataset.status == "ok")
        let schema = try #require(Value(jsonText: dataset.schemaJSON))
        #expect(schema["profile"]?["rows"] == .number(3))
        #expect(schema["profile"]?["exams"] == .number(2))
        #expect(schema["profile"]?["columns"]?[2]?["missing_share"]?.numberValue.map { abs($0 - 1.0 / 3) < 1e-9 } == true)

        let broken = inbound.appendingPathComponent("broken.csv")
        try "exam_id,timestamp,x,label\nA,1,1,pass\nB,2\n".write(to: broken, atomically: true, encoding: .utf8)
        let rejected = try await h.engine.registerDataset(path: broken.path)
        #expect(rejected.status == "rejected")
        #expect(rejected.rejectReason == "\(broken.path): row 3: expected 4 cells like the header, found 2")
        try h.write(
            "uses-data",
            """
            name: uses-data
            version: 1
            inputs:
              data: { type: dataset }
            steps:
              look:
                run: echo ${{ inputs.data.path }}
            """)
        await #expect(throws: EngineError.self) {
            try await h.engine.submit(SubmitRequest(workflow: "uses-data", datasetID: rejected.id, trigger: .cli))
        }
        #expect(try await h.engine.runSummaries(RunQuery(limit: 10)).isEmpty, "nothing written")

        let other = inbound.appendingPathComponent("images.zip")
        try Data([0x50, 0x4b, 0x03, 0x04]).write(to: other)
        let plain = try await h.engine.registerDataset(path: other.path)
        #expect(plain.status == "ok")
        #expect(plain.schemaJSON == "{}")
    }
}
