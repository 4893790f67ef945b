import Foundation
import Store

/// `/datasets` (newest first, with a form to register a file) and `/datasets/{id}`: size, hash,
/// status (a `rejected` one with its reason), the schema and data-quality summary, runs on it.
struct DatasetsPage {
    let services: APIServices

    static let listed = 200

    func renderList() async throws -> String {
        let datasets = try await services.engine.datasets(limit: Self.listed)
        let rows = datasets.map { dataset in
            """
            <tr data-dataset="\(html(dataset.id))"><td><a href="/datasets/\(html(urlPart(dataset.id)))" class="mono">\(html(dataset.id))</a></td>\
            <td class="truncate" title="\(html(dataset.path))">\(html(URL(fileURLWithPath: dataset.path).lastPathComponent))</td>\
            <td class="num">\(html(Format.bytes(dataset.sizeBytes)))</td><td>\(StateBadge.render(dataset.status))</td>\
            <td>\(Format.time(dataset.registeredAt))</td><td class="mono">\(html(String(dataset.contentHash.prefix(16))))…</td></tr>
            """
        }.joined(separator: "\n")
        let table = datasets.isEmpty ? "<p id=\"datasets-empty\" class=\"empty\">No datasets registered.</p>" : """
            <table id="datasets-table"><thead><tr><th>Dataset</th><th>File</th><th class="num">Size</th><th>Status</th><th>Registered</th><th>SHA-256</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        let body = """
            <h1>Datasets</h1>
            <section><h2>Register a file</h2>
            <form id="register-dataset" class="filters">
            <label>Path (relative to the data root, or absolute inside the allowed roots)
            <input name="path" id="register-path" required placeholder="inbound/exams.csv" size="48"></label>
            <button type="submit" class="primary">Register</button>
            <span id="register-error" class="error-text" role="alert"></span>
            </form></section>
            <section>\(table)</section>
            """
        return Layout.page(title: "Datasets", section: .datasets, loggedIn: services.apiToken != nil, body: body)
    }

    /// nil when there is no such dataset.
    func renderDetail(id: String) async throws -> String? {
        guard let record = try await services.engine.dataset(id: id) else { return nil }
        let dataset = DatasetView(record)
        let runs = try await services.engine.runSummaries(RunQuery(datasetID: id, limit: 50))
        let rejected = dataset.rejectReason.map { "<p id=\"reject-reason\" class=\"notice error\">Rejected: \(html($0))</p>" } ?? ""
        let body = """
            <h1>Dataset <code>\(html(dataset.id))</code> \(StateBadge.render(dataset.status, id: "dataset-status"))</h1>
            \(rejected)
            <div class="grid">
            <section id="dataset-facts"><h2>File</h2><dl class="facts">
            <dt>Path</dt><dd class="mono">\(html(dataset.path))</dd>
            <dt>Size</dt><dd id="dataset-size">\(html(Format.bytes(dataset.sizeBytes))) <span class="muted">(\(dataset.sizeBytes) bytes)</span></dd>
            <dt>SHA-256</dt><dd class="mono" id="dataset-hash">\(html(dataset.contentHash))</dd>
            <dt>Registered</dt><dd>\(Format.time(dataset.registeredAt))</dd>
            </dl></section>
            <section id="dataset-schema"><h2>Schema and data quality</h2>\(ValueTable.render(dataset.schema, id: "schema-table"))</section>
            </div>
            <section id="dataset-runs"><h2>Runs on this dataset</h2>\(RunTable.render(runs, now: services.engine.clock.now(), id: "dataset-runs-table"))</section>
            """
        return Layout.page(title: "Dataset \(dataset.id)", section: .datasets, loggedIn: services.apiToken != nil, body: body)
    }
}
