import Foundation
import Store

/// `/datasets` (newest first, with a form to register a file) and `/datasets/{id}`: size, hash,
/// status (a `rejected` one with its reason), the schema and data-quality summary, runs on it.
struct DatasetsPage {
    let services: APIServices
    let renderer: PageRenderer

    static let listed = 200

    struct Row: Encodable {
        let id: String
        let idURL: String
        let path: String
        let file: String
        let size: String
        let badge: StateBadge
        let registeredAt: Stamp
        let hashPrefix: String
    }

    struct ListContext: Encodable {
        let hasRows: Bool
        let rows: [Row]
    }

    struct DetailContext: Encodable {
        let id: String
        let badge: StateBadge
        /// None or one.
        let rejectReasons: [String]
        let path: String
        let size: String
        let sizeBytes: Int64
        let contentHash: String
        let registeredAt: Stamp
        /// None or one: the profile recorded at registration.
        let profile: [DatasetProfileView]
        /// Why there is no profile, when there is none and the dataset was not rejected.
        let noProfile: [String]
        let hasOtherSchema: Bool
        let schema: ValueTable
        let runs: RunTable
    }

    func renderList() async throws -> String {
        let datasets = try await services.engine.datasets(limit: Self.listed)
        let rows = datasets.map { dataset in
            Row(
                id: dataset.id, idURL: urlPart(dataset.id), path: dataset.path, file: URL(fileURLWithPath: dataset.path).lastPathComponent,
                size: Format.bytes(dataset.sizeBytes), badge: StateBadge(dataset.status), registeredAt: Stamp(dataset.registeredAt),
                hashPrefix: String(dataset.contentHash.prefix(16)))
        }
        return try renderer.page(.datasets, title: "Datasets", section: .datasets, content: ListContext(hasRows: !rows.isEmpty, rows: rows))
    }

    /// nil when there is no such dataset.
    func renderDetail(id: String) async throws -> String? {
        guard let record = try await services.engine.dataset(id: id) else { return nil }
        let dataset = DatasetView(record)
        let runs = try await services.engine.runSummaries(RunQuery(datasetID: id, limit: 50))
        let profile = DatasetProfileView(schemaJSON: record.schemaJSON)
        var otherSchema = dataset.schema.mapValue ?? [:]
        otherSchema["profile"] = nil
        let context = DetailContext(
            id: dataset.id, badge: StateBadge(dataset.status, id: "dataset-status"), rejectReasons: dataset.rejectReason.map { [$0] } ?? [],
            path: dataset.path, size: Format.bytes(dataset.sizeBytes), sizeBytes: dataset.sizeBytes, contentHash: dataset.contentHash,
            registeredAt: Stamp(dataset.registeredAt), profile: profile.map { [$0] } ?? [],
            noProfile: profile == nil && dataset.status == "ok" ? [Self.noProfileReason(path: dataset.path)] : [],
            hasOtherSchema: !otherSchema.isEmpty, schema: ValueTable(.map(otherSchema), id: "schema-table"),
            runs: RunTable(runs, now: services.engine.clock.now(), id: "dataset-runs-table"))
        return try renderer.page(.dataset, title: "Dataset \(dataset.id)", section: .datasets, content: context)
    }

    static func noProfileReason(path: String) -> String {
        let lower = path.lowercased()
        return lower.hasSuffix(".csv") || lower.hasSuffix(".tsv")
            ? "Not described: registered before flowrun recorded profiles."
            : "Not described: only CSV and TSV files are profiled."
    }
}
