import Foundation
import Store

/// A table of runs (newest first), as the overview, the runs list, a dataset and a workflow show them.
enum RunTable {
    static func render(_ runs: [RunSummary], now: Date, id: String) -> String {
        guard !runs.isEmpty else { return "<p id=\"\(html(id))-empty\" class=\"empty\">No runs.</p>" }
        let rows = runs.map { run -> String in
            let duration = run.startedAt.map { (run.finishedAt ?? now).timeIntervalSince($0) }
            let dataset = run.datasetID.map { "<a href=\"/datasets/\(html(urlPart($0)))\" class=\"mono\">\(html($0))</a>" } ?? "<span class=\"muted\">—</span>"
            return """
                <tr data-run="\(html(run.id))" data-state="\(html(run.state.rawValue))">\
                <td><a href="/runs/\(html(urlPart(run.id)))" class="mono">\(html(run.id))</a></td>\
                <td><a href="/workflows/\(html(urlPart(run.workflowName)))">\(html(run.workflowName))</a></td>\
                <td>\(StateBadge.render(run.state.rawValue))</td>\
                <td>\(html(run.trigger.rawValue))</td>\
                <td>\(dataset)</td>\
                <td>\(Format.time(run.createdAt))</td>\
                <td class="num">\(html(Format.duration(duration)))</td>\
                <td class="truncate error-text" title="\(html(run.error ?? ""))">\(html(run.error ?? ""))</td></tr>
                """
        }.joined(separator: "\n")
        return """
            <table id="\(html(id))" class="runs">
            <thead><tr><th>Run</th><th>Workflow</th><th>State</th><th>Trigger</th><th>Dataset</th><th>Created</th><th class="num">Duration</th><th>Error</th></tr></thead>
            <tbody>
            \(rows)
            </tbody>
            </table>
            """
    }
}
