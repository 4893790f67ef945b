import Foundation
import Hummingbird
import Store

/// `/runs?state=&workflow=&before=`: one page of runs, newest first, with the API's cursor
/// (`before` = the last run of the previous page). Only ever reads one page, however many runs.
struct RunsPage {
    let services: APIServices
    let renderer: PageRenderer

    struct Option: Encodable {
        let label: String
        let selected: Bool
    }

    struct Context: Encodable {
        let stateOptions: [Option]
        let workflowOptions: [Option]
        let runs: RunTable
        /// None or one each.
        let newest: [String]
        let older: [String]
    }

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
        var filters: [String] = []
        if let state { filters.append("state=\(state.rawValue)") }
        if let workflow { filters.append("workflow=\(urlPart(workflow))") }
        let newest = before == nil ? [] : ["/runs" + (filters.isEmpty ? "" : "?" + filters.joined(separator: "&"))]
        var older: [String] = []
        if runs.count > Self.pageSize, let last = page.last {
            older.append("/runs?" + (filters + ["before=\(urlPart(last.id))"]).joined(separator: "&"))
        }
        let context = Context(stateOptions: RunState.allCases.map { Option(label: $0.rawValue, selected: $0 == state) },
                              workflowOptions: workflows.map { Option(label: $0, selected: $0 == workflow) },
                              runs: RunTable(page, now: services.engine.clock.now(), id: "runs-table"), newest: newest, older: older)
        return try renderer.page(.runs, title: "Runs", section: .runs, content: context)
    }
}
