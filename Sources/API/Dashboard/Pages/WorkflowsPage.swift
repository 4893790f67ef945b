import Foundation
import Store

/// `/workflows` and `/workflows/{name}`: the YAML with its diagnostics, the step graph, recent
/// runs, and the form that starts a run.
struct WorkflowsPage {
    let services: APIServices

    func renderList() -> String {
        let workflows = WorkflowSummaryView.all(engine: services.engine)
        let rows = workflows.map { workflow in
            let validity = workflow.valid
                ? StateBadge.render("valid") + (workflow.warnings > 0 ? " <span class=\"muted\">\(workflow.warnings) warning(s)</span>" : "")
                : StateBadge.render("invalid") + " <span class=\"error-text\">\(workflow.errors) error(s)</span>"
            return """
                <tr data-workflow="\(html(workflow.name))"><td><a href="/workflows/\(html(urlPart(workflow.name)))"><b>\(html(workflow.name))</b></a></td>\
                <td class="mono">\(html(workflow.file))</td><td>\(html(workflow.description))</td><td>\(validity)</td>\
                <td>\(html(workflow.steps.joined(separator: " → ")))</td><td class="num">\(workflow.params.count)</td></tr>
                """
        }.joined(separator: "\n")
        let table = workflows.isEmpty ? "<p class=\"empty\">No workflow files in \(html(services.engine.workflowsDirectory.path)).</p>" : """
            <table id="workflows-table"><thead><tr><th>Workflow</th><th>File</th><th>Description</th><th>Valid</th><th>Steps</th><th class="num">Params</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        let body = "<h1>Workflows</h1><section>\(table)</section>"
        return Layout.page(title: "Workflows", section: .workflows, loggedIn: services.apiToken != nil, body: body)
    }

    /// nil when no workflow file has that name.
    func renderDetail(name: String) async throws -> String? {
        let workflow: WorkflowDetailView
        do {
            workflow = try WorkflowDetailView.load(name: name, engine: services.engine)
        } catch let error as APIError where error.status == .notFound {
            return nil
        }
        let hasDatasetInput = workflow.inputs.contains { $0.type == "dataset" }
        let datasets = hasDatasetInput ? try await services.engine.datasets(limit: 100).filter { $0.status == "ok" } : []
        let runs = try await services.engine.runSummaries(RunQuery(workflow: workflow.name, limit: 10))
        let graph = DAGGraph(nodes: workflow.steps.map { step in
            DAGGraph.Node(id: step.id, needs: step.needs, state: "none", detail: step.uses ?? "run: " + (step.run ?? ""))
        })
        let badge = StateBadge.render(workflow.valid ? "valid" : "invalid", id: "workflow-validity")
        let body = """
            <h1>Workflow \(html(workflow.name)) \(badge)</h1>
            \(workflow.description.isEmpty ? "" : "<p>\(html(workflow.description))</p>")
            <section id="run-section"><h2>Run</h2>\(RunForm.render(workflow, datasets: datasets))</section>
            <section id="graph"><h2>Steps</h2>\(graph.svg())</section>
            <section id="workflow-runs"><h2>Recent runs <a href="/runs?workflow=\(html(urlPart(workflow.name)))" class="muted">all →</a></h2>
            \(RunTable.render(runs, now: services.engine.clock.now(), id: "workflow-runs-table"))</section>
            <section id="yaml-section"><h2>\(html(workflow.file))</h2>\(diagnostics(workflow))\(yaml(workflow))</section>
            """
        return Layout.page(title: "Workflow \(workflow.name)", section: .workflows, loggedIn: services.apiToken != nil, body: body)
    }

    func diagnostics(_ workflow: WorkflowDetailView) -> String {
        guard !workflow.diagnostics.isEmpty else { return "<p id=\"diagnostics-none\" class=\"muted\">No diagnostics.</p>" }
        let items = workflow.diagnostics.map { diagnostic in
            "<li class=\"\(diagnostic.severity == "error" ? "error-text" : "")\" data-severity=\"\(html(diagnostic.severity))\">"
                + "<a href=\"#L\(diagnostic.line)\">\(html(diagnostic.text))</a></li>"
        }.joined()
        return "<ul id=\"diagnostics\">\(items)</ul>"
    }

    /// The YAML with line numbers; lines with a diagnostic are marked.
    func yaml(_ workflow: WorkflowDetailView) -> String {
        let marks = Dictionary(workflow.diagnostics.map { ($0.line, $0.severity) }, uniquingKeysWith: { a, b in a == "error" ? a : b })
        let lines = workflow.yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            let number = index + 1
            let mark = marks[number].map { $0 == "error" ? " has-error" : " has-warning" } ?? ""
            return "<span class=\"line\(mark)\" id=\"L\(number)\">\(html(String(line)))</span>"
        }
        return "<pre id=\"workflow-yaml\" class=\"yaml\">\(lines.joined())</pre>"
    }
}
