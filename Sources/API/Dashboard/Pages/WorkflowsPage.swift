import Engine
import FlowSpec
import Foundation
import Store

/// `/workflows` and `/workflows/{name}`: the YAML with its diagnostics, the step graph, recent
/// runs, and the form that starts a run.
struct WorkflowsPage {
    let services: APIServices
    let renderer: PageRenderer

    struct Row: Encodable {
        let name: String
        let nameURL: String
        let file: String
        let description: String
        let valid: Bool
        let badge: StateBadge
        let hasWarnings: Bool
        let warnings: Int
        let errors: Int
        let steps: String
        let paramCount: Int
    }

    struct ListContext: Encodable {
        let hasRows: Bool
        let rows: [Row]
        let folder: String
        let hasSchedules: Bool
        let schedules: [ScheduleRow]
        let hasGroups: Bool
        let groups: [GroupRow]
    }

    /// A backfill group (`flowrun backfill`), newest first, linking to its page.
    struct GroupRow: Encodable {
        let id: String
        let idURL: String
        let workflow: String
        let workflowURL: String
        let badge: StateBadge
        let released: Int
        let total: Int
        let maxParallel: Int
        let selection: String
        let created: Stamp
    }

    /// Groups listed on the page, the newest; any group is at `/groups/ID` and `flowrun backfill show ID`.
    static let groupsShown = 50

    /// A cron schedule with its next tick and last run (docs/scheduling.md).
    struct ScheduleRow: Encodable {
        let workflow: String
        let workflowURL: String
        let cron: String
        let timezone: String
        let overlap: String
        let catchup: String
        let next: Stamp
        let hasLastRun: Bool
        let lastRun: String
        let lastRunURL: String
        let lastTick: Stamp
        let lastBadge: StateBadge
    }

    struct Diagnostic: Encodable {
        let isError: Bool
        let severity: String
        let line: Int
        let text: String
    }

    struct YAMLLine: Encodable {
        let number: Int
        let hasError: Bool
        let hasWarning: Bool
        let text: String
    }

    struct DetailContext: Encodable {
        let name: String
        let nameURL: String
        let badge: StateBadge
        /// None or one.
        let descriptions: [String]
        let form: RunForm
        /// The backfill form, for a workflow with a dataset input.
        let canBackfill: Bool
        let graphSVG: String
        let runs: RunTable
        let leaderboard: LeaderboardPart
        let file: String
        let hasDiagnostics: Bool
        let diagnostics: [Diagnostic]
        let lines: [YAMLLine]
    }

    func renderList() async throws -> String {
        let workflows = WorkflowSummaryView.all(engine: services.engine)
        let rows = workflows.map { workflow in
            Row(
                name: workflow.name, nameURL: urlPart(workflow.name), file: workflow.file, description: workflow.description,
                valid: workflow.valid, badge: StateBadge(workflow.valid ? "valid" : "invalid"), hasWarnings: workflow.warnings > 0,
                warnings: workflow.warnings, errors: workflow.errors, steps: workflow.steps.joined(separator: " → "),
                paramCount: workflow.params.count)
        }
        let schedules = try await services.engine.schedules().map { s in
            ScheduleRow(
                workflow: s.workflow, workflowURL: urlPart(s.workflow), cron: s.cron, timezone: s.timeZone, overlap: s.overlap,
                catchup: s.catchup, next: Stamp(s.nextTick), hasLastRun: s.lastRun != nil, lastRun: s.lastRun?.id ?? "",
                lastRunURL: urlPart(s.lastRun?.id ?? ""), lastTick: Stamp(s.lastTick),
                lastBadge: StateBadge(s.lastRun?.state.rawValue ?? "none"))
        }
        let groups = try await services.engine.groups(limit: Self.groupsShown).map { g in
            GroupRow(
                id: g.id, idURL: urlPart(g.id), workflow: g.workflow, workflowURL: urlPart(g.workflow), badge: StateBadge(g.state),
                released: g.released, total: g.total, maxParallel: g.maxParallel, selection: g.selection, created: Stamp(g.createdAt))
        }
        let context = ListContext(
            hasRows: !rows.isEmpty, rows: rows, folder: services.engine.workflowsDirectory.path,
            hasSchedules: !schedules.isEmpty, schedules: schedules, hasGroups: !groups.isEmpty, groups: groups)
        return try renderer.page(.workflows, title: "Workflows", section: .workflows, content: context)
    }

    /// nil when no workflow file has that name.
    /// `again`: a run whose params fill the Run form (the run page's "Run again").
    func renderDetail(name: String, again: String? = nil) async throws -> String? {
        let workflow: WorkflowDetailView
        do {
            workflow = try WorkflowDetailView.load(name: name, engine: services.engine)
        } catch let error as APIError where error.status == .notFound {
            return nil
        }
        let hasDatasetInput = workflow.inputs.contains { $0.type == "dataset" }
        let datasets = hasDatasetInput ? try await services.engine.datasets(limit: 100).filter { $0.status == "ok" } : []
        let runs = try await services.engine.runSummaries(RunQuery(workflow: workflow.name, limit: 10))
        // "Run again": the run's params and dataset fill the form; an unknown run fills nothing.
        var earlier: RunRecord?
        if let again, let run = try? await services.engine.resolveRun(again), run.workflowName == workflow.name { earlier = run }
        let leaderboard = try await LeaderboardPart.load(workflow: workflow.name, engine: services.engine)
        let graph = DAGGraph(
            nodes: workflow.steps.map { step in
                DAGGraph.Node(id: step.id, needs: step.needs, state: "none", detail: step.uses ?? "run: " + (step.run ?? ""))
            })
        let context = DetailContext(
            name: workflow.name, nameURL: urlPart(workflow.name),
            badge: StateBadge(workflow.valid ? "valid" : "invalid", id: "workflow-validity"),
            descriptions: workflow.description.isEmpty ? [] : [workflow.description],
            form: RunForm(
                workflow, datasets: datasets, values: earlier.flatMap { Value(jsonText: $0.paramsJSON)?.mapValue } ?? [:],
                datasetID: earlier?.datasetID, again: earlier?.id),
            canBackfill: hasDatasetInput,
            graphSVG: MatrixGroups.graphHTML(graph), runs: RunTable(runs, now: services.engine.clock.now(), id: "workflow-runs-table"),
            leaderboard: leaderboard, file: workflow.file,
            hasDiagnostics: !workflow.diagnostics.isEmpty,
            diagnostics: workflow.diagnostics.map {
                Diagnostic(isError: $0.severity == "error", severity: $0.severity, line: $0.line, text: $0.text)
            },
            lines: yamlLines(workflow))
        return try renderer.page(.workflow, title: "Workflow \(workflow.name)", section: .workflows, content: context)
    }

    /// The YAML's lines; those with a diagnostic are marked.
    func yamlLines(_ workflow: WorkflowDetailView) -> [YAMLLine] {
        let marks = Dictionary(workflow.diagnostics.map { ($0.line, $0.severity) }, uniquingKeysWith: { a, b in a == "error" ? a : b })
        return workflow.yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            let number = index + 1
            return YAMLLine(
                number: number, hasError: marks[number] == "error", hasWarning: marks[number].map { $0 != "error" } ?? false,
                text: String(line))
        }
    }
}
