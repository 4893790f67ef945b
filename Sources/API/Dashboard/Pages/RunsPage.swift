import Foundation
import Hummingbird
import Store

/// `/runs?state=&workflow=&before=`: one page of runs, newest first, with the API's cursor
/// (`before` = the last run of the previous page). Only ever reads one page, however many runs.
struct RunsPage {
    let services: APIServices

    static let pageSize = 50

    func render(_ request: Request) async throws -> String {
        let query = Query(request: request)
        let state = query.string("state").flatMap(RunState.init(rawValue:))
        let workflow = query.string("workflow")
        let before = query.string("before")
        let runs = try await services.engine.runSummaries(RunQuery(state: state, workflow: workflow, limit: Self.pageSize + 1, before: before))
        let page = Array(runs.prefix(Self.pageSize))

        var workflows = WorkflowSummaryView.all(engine: services.engine).map(\.name)
        if let workflow, !workflows.contains(workflow) { workflows.append(workflow) }
        let stateOptions = "<option value=\"\">any</option>" + RunState.allCases.map {
            "<option\($0 == state ? " selected" : "")>\($0.rawValue)</option>"
        }.joined()
        let workflowOptions = "<option value=\"\">any</option>" + workflows.map {
            "<option\($0 == workflow ? " selected" : "")>\(html($0))</option>"
        }.joined()

        var filters: [String] = []
        if let state { filters.append("state=\(state.rawValue)") }
        if let workflow { filters.append("workflow=\(urlPart(workflow))") }
        var pager: [String] = []
        if before != nil {
            pager.append("<a id=\"newest\" href=\"/runs\(filters.isEmpty ? "" : "?" + filters.joined(separator: "&"))\">← Newest</a>")
        }
        if runs.count > Self.pageSize, let last = page.last {
            let href = "/runs?" + (filters + ["before=\(urlPart(last.id))"]).joined(separator: "&")
            pager.append("<a id=\"older\" href=\"\(html(href))\">Older →</a>")
        }
        let body = """
            <h1>Runs</h1>
            <section>
            <form class="filters" method="get" action="/runs" id="runs-filter">
            <label>State <select name="state" id="filter-state" data-autosubmit>\(stateOptions)</select></label>
            <label>Workflow <select name="workflow" id="filter-workflow" data-autosubmit>\(workflowOptions)</select></label>
            <button type="submit">Filter</button>
            </form>
            \(RunTable.render(page, now: services.engine.clock.now(), id: "runs-table"))
            <div class="pager">\(pager.joined())</div>
            </section>
            """
        return Layout.page(title: "Runs", section: .runs, loggedIn: services.apiToken != nil, body: body)
    }
}
