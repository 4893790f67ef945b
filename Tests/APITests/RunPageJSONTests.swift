import Foundation
import Store
import Testing

@testable import API

/// The hand-written runs page must be exactly what the JSON encoder writes.
@Suite struct RunPageJSONTests {
    @Test func matchesTheEncoderByteForByte() throws {
        let now = Date(timeIntervalSince1970: 1_764_078_483.5)
        var runs: [RunRecord] = []
        for (i, text) in ["plain", "quote \" backslash \\ slash / tab \t newline \n", "ünïcödé ✓ \u{1}", ""].enumerated() {
            var run = RunRecord(
                id: "r\(i)", workflowName: text.isEmpty ? "w" : text, workflowYAML: "", workflowHash: "",
                paramsJSON: "{}", inputsJSON: "{}", datasetID: i % 2 == 0 ? "ds-\(i)" : nil,
                trigger: .watcher, createdAt: now.addingTimeInterval(Double(-i) * 61.25))
            if i > 0 { run.startedAt = run.createdAt.addingTimeInterval(0.75) }
            if i > 1 { run.finishedAt = run.createdAt.addingTimeInterval(12.125); run.state = .failed; run.error = text }
            runs.append(run)
        }
        for nextBefore in [nil, "r3"] {
            let page = RunPage(runs: runs.map { RunSummaryView($0.summary, now: now) }, nextBefore: nextBefore)
            let expected = try APIJSON.encoder().encode(page)
            let written = Data(RunPageJSON.encode(page))
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        }
    }
}
