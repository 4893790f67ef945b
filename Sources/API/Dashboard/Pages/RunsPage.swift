import Engine
import FlowSpec
import Foundation
import Hummingbird
import Store

/// `/runs`: one page of runs, answered by the store however many there are (``Store/runTable(_:)``):
/// filtered by state, workflow, param values (`p.NAME=value`, when one workflow is chosen: its params
/// are columns), a headline metric's range (`metric=`, `min=`, `max=`) and a date range (`from=`,
/// `to=`, days in UTC, both included), sorted (`sort=newest|oldest|metric|metric_worst`) and paged
/// (`offset=`). Ticked runs open the compare page.
struct RunsPage {
    let services: APIServices
    let renderer: PageRenderer

    struct Option: Encodable {
        let label: String
        let selected: Bool
    }

    struct ValueOption: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct ParamFilter: Encodable {
        let name: String
        let value: String
    }

    struct Context: Encodable {
        let stateOptions: [Option]
        let workflowOptions: [Option]
        let metricOptions: [Option]
        let sortOptions: [ValueOption]
        let hasParamFilters: Bool
        let paramFilters: [ParamFilter]
        let min: String
        let max: String
        let from: String
        let to: String
        let runs: RunTable
        /// None or one each.
        let newest: [String]
        let older: [String]
    }

    static let pageSize = 50
    /// The headline metric when none is chosen.
    static let defaultMetric = "accuracy"

    func render(_ request: Request) async throws -> String {
        let query = Query(request: request)
        let state = query.string("state").flatMap(RunState.init(rawValue:))
        let workflow = query.string("workflow")
        let metric = query.string("metric") ?? Self.defaultMetric
        let sort = query.string("sort").flatMap(RunTableQuery.Sort.init(rawValue:)) ?? .newest
        let offset = max(0, Int(query.string("offset") ?? "") ?? 0)
        let min = query.string("min").flatMap(Double.init), max = query.string("max").flatMap(Double.init)
        let from = query.string("from").flatMap(Self.day), to = query.string("to").flatMap(Self.day)

        // One workflow's params are columns and filters; the names come from its file as it is now.
        let declared =
            workflow.flatMap { try? services.engine.loadWorkflow(at: services.engine.workflowFile(named: $0)) }?.params.map(\.name) ?? []
        var params: [String: String] = [:]
        for name in declared { if let value = query.string("p." + name) { params[name] = value } }

        let page = try await services.engine.runTable(
            RunTableQuery(
                workflow: workflow, state: state, params: params, metric: metric, metricMin: min, metricMax: max,
                from: from, to: to.map { $0.addingTimeInterval(86_400) }, sort: sort, offset: offset, limit: Self.pageSize))

        var workflows = WorkflowSummaryView.all(engine: services.engine).map(\.name)
        if let workflow, !workflows.contains(workflow) { workflows.append(workflow) }
        // The page's own filters, to carry into the pager's links.
        var filters: [String] = []
        if let state { filters.append("state=\(state.rawValue)") }
        if let workflow { filters.append("workflow=\(urlPart(workflow))") }
        for (name, value) in params.sorted(by: { $0.key < $1.key }) { filters.append("p.\(urlPart(name))=\(urlPart(value))") }
        filters.append("metric=\(urlPart(metric))")
        for (name, value) in [
            ("min", query.string("min")), ("max", query.string("max")), ("from", query.string("from")), ("to", query.string("to")),
        ] {
            if let value { filters.append("\(name)=\(urlPart(value))") }
        }
        if sort != .newest { filters.append("sort=\(sort.rawValue)") }
        let base = "/runs?" + filters.joined(separator: "&")
        let newest = offset == 0 ? [] : [base]
        let older = page.hasMore ? [base + "&offset=\(offset + Self.pageSize)"] : []

        let metrics = Array(Set(MetricDirection.known + [metric])).sorted()
        let context = Context(
            stateOptions: RunState.allCases.map { Option(label: $0.rawValue, selected: $0 == state) },
            workflowOptions: workflows.map { Option(label: $0, selected: $0 == workflow) },
            metricOptions: metrics.map { Option(label: $0, selected: $0 == metric) },
            sortOptions: [
                ("newest", "newest first"), ("oldest", "oldest first"), ("metric", "best \(metric) first"),
                ("metric_worst", "worst \(metric) first"),
            ].map { ValueOption(value: $0.0, label: $0.1, selected: $0.0 == sort.rawValue) },
            hasParamFilters: !declared.isEmpty, paramFilters: declared.map { ParamFilter(name: $0, value: params[$0] ?? "") },
            min: query.string("min") ?? "", max: query.string("max") ?? "", from: query.string("from") ?? "", to: query.string("to") ?? "",
            runs: RunTable(page.rows, params: declared, metric: metric, now: services.engine.clock.now(), id: "runs-table"),
            newest: newest, older: older)
        return try renderer.page(.runs, title: "Runs", section: .runs, content: context)
    }

    /// `2026-11-26` as the start of that day in UTC; nil for anything else.
    static func day(_ text: String) -> Date? {
        try? Date(text + "T00:00:00Z", strategy: .iso8601)
    }
}
