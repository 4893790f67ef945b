import Foundation
import HummingbirdTesting
import Testing

@testable import API

/// The dataset page shows the profile recorded when the file was registered.
@Suite struct DatasetProfilePageTests {
    @Test func theProfileIsOnThePage() async throws {
        let harness = try await APIHarness()
        let file = try harness.writeDataset(
            "bench.csv",
            """
            exam_id,timestamp,pressure,label
            A,2026-03-01T10:00:00Z,1.5,pass
            A,2026-03-01T10:00:01Z,,pass
            B,2026-03-01T11:00:00Z,2.5,<fail>

            """)
        let dataset = try await harness.services.engine.registerDataset(path: file.path)
        try await harness.test { (client: APIClient) async throws in
            let page = try await client.get("/datasets/\(dataset.id)")
            #expect(page.status == 200)
            for expected in [
                "<dt>Rows</dt><dd>3</dd>", "<dt>Exams</dt><dd>2 (column exam_id)</dd>",
                "<dt>Time range</dt><dd>2026-03-01T10:00:00Z → 2026-03-01T11:00:00Z</dd>",
                "id=\"dataset-labels\"", "<td class=\"mono\">&lt;fail&gt;</td><td class=\"num\">1</td><td class=\"num\">50.0 %</td>",
                "<tr><td class=\"mono\">pressure</td><td>number</td><td class=\"num\">33.3 %</td>",
                "id=\"preview-table\"", "<th>exam_id</th><th>timestamp</th><th>pressure</th><th>label</th>",
            ] {
                #expect(page.text.contains(expected), "the page lacks \(expected)")
            }
            #expect(!page.text.contains("id=\"dataset-schema\""), "the profile is not also dumped as raw JSON")
        }
    }
}
