import Engine
import Foundation
import Hummingbird
import Store

/// `/compare?runs=A&runs=B` (or `runs=A,B`; `metric=` orders them): the runs side by side — the
/// params that differ (the shared ones folded), the metrics with the best per row marked, and each
/// run's ROC curve and confusion matrix next to the others'. One ``RunComparison`` from the engine,
/// the same that `flowrun runs compare` and `GET /api/runs/compare` show. `/compare?run=ID` (`step=`
/// to pick the matrix step) compares one matrix run's instances the same way, the matrix values as
/// its params and each instance's own plots (``Engine/compareInstances(of:step:metric:)``).
struct ComparePage {
    let services: APIServices
    let renderer: PageRenderer

    struct Column: Encodable {
        let id: String
        let url: String
        let workflow: String
        let badge: StateBadge
        let duration: String
    }

    struct Cell: Encodable {
        let text: String
        let best: Bool
    }

    struct Row: Encodable {
        let name: String
        let cells: [Cell]
        /// The first run's value: a shared param's one value.
        var value: String { cells.first?.text ?? "—" }

        enum CodingKeys: String, CodingKey { case name, cells, value }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(cells, forKey: .cells)
            try c.encode(value, forKey: .value)
        }
    }

    struct PlotRow: Encodable {
        let name: String
        let cells: [PlotCell]
    }

    struct PlotCell: Encodable {
        let has: Bool
        let url: String
        let alt: String
    }

    struct Context: Encodable {
        let columns: [Column]
        let differing: [Row]
        let hasDiffering: Bool
        let same: [Row]
        let hasSame: Bool
        let model: [Row]
        let hasModel: Bool
        let data: [Row]
        let hasData: Bool
        let plots: [PlotRow]
        let hasPlots: Bool
        let sortedBy: String
        let isSorted: Bool
        let metricOptions: [RunsPage.Option]
        let runsQuery: [Hidden]
        /// One matrix run's instances: the heading, the params' title and the order form's fields change.
        let instances: Bool
        let heading: String
        let paramsTitle: String
        let sameTitle: String
    }

    struct Hidden: Encodable {
        var name = "runs"
        let value: String
    }

    /// The plots evaluate writes that are worth seeing side by side, by file name.
    static let plotNames = ["roc_curve.svg", "confusion_matrix.svg"]

    /// The page, or a not-found page naming what was wrong (a missing run, an ambiguous prefix).
    func render(_ request: Request) async throws -> Response {
        let query = Query(request: request)
        let instanceRun = query.string("run").flatMap { $0.isEmpty ? nil : $0 }
        let step = query.string("step").flatMap { $0.isEmpty ? nil : $0 }
        let references = request.uri.queryParameters.getAll("runs").flatMap { $0.split(separator: ",") }
            .map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard references.count >= 2 || instanceRun != nil else {
            return try renderer.notFound("Choose two or more runs to compare: tick them in the runs table.", section: .runs)
        }
        let metric = query.string("metric").flatMap { $0.isEmpty ? nil : $0 }
        let comparison: RunComparison
        do {
            if let instanceRun {
                comparison = try await services.engine.compareInstances(of: instanceRun, step: step, metric: metric)
            } else {
                comparison = try await services.engine.compareRuns(Array(references.prefix(Engine.compareLimit)), metric: metric)
            }
        } catch let error as RunReferenceError {
            return try renderer.notFound(error.description + ".", section: .runs)
        } catch let error as InstanceComparisonError {
            return try renderer.notFound(error.description.prefix(1).uppercased() + error.description.dropFirst() + ".", section: .runs)
        } catch EngineError.runNotFound(let reference) {
            return try renderer.notFound("There is no run '\(reference)'.", section: .runs)
        }
        func row(_ m: RunComparison.Metric) -> Row {
            Row(
                name: m.key,
                cells: m.values.indices.map { i in
                    Cell(text: m.values[i].map(Format.number) ?? "—", best: m.best.contains(i))
                })
        }
        let model = comparison.metrics.filter { $0.group == "model" }.map(row)
        let data = comparison.metrics.filter { $0.group == "data" }.map(row)
        let paramRow = { (p: RunComparison.Param) in Row(name: p.name, cells: p.values.map { Cell(text: $0 ?? "—", best: false) }) }
        let differing = comparison.params.filter(\.differs).map(paramRow)
        let same = comparison.params.filter { !$0.differs }.map(paramRow)

        // Each column's plots by file name: the ROC curve and confusion matrix of each, in one row. An
        // instance's are its own step's (its id percent-encoded in the URL); one run is loaded once.
        var plotsByRun: [[String: String]] = []
        var instanceDetail: RunDetailView?
        if let run = comparison.instancesOf { instanceDetail = try await RunDetailView.load(id: run, engine: services.engine) }
        for column in comparison.runs {
            let owner = comparison.instancesOf ?? column.id
            let detail: RunDetailView
            if let instanceDetail {
                detail = instanceDetail
            } else {
                detail = try await RunDetailView.load(id: column.id, engine: services.engine)
            }
            let steps = comparison.instancesOf == nil ? detail.steps : detail.steps.filter { $0.id == column.id }
            var found: [String: String] = [:]
            for artifact in steps.flatMap(\.artifacts) {
                let name = String(artifact.path.split(separator: "/").last ?? "")
                if Self.plotNames.contains(name), found[name] == nil { found[name] = artifactURL(owner, artifact.path) }
            }
            plotsByRun.append(found)
        }
        let plots = Self.plotNames.filter { name in plotsByRun.contains { $0[name] != nil } }.map { name in
            PlotRow(
                name: name,
                cells: zip(comparison.runs, plotsByRun).map { run, found in
                    PlotCell(
                        has: found[name] != nil, url: found[name] ?? "",
                        alt: "\(name) of \(comparison.instancesOf == nil ? "run" : "instance") \(run.id)")
                })
        }
        let metricNames = Array(Set(comparison.metrics.filter { $0.group == "model" }.map(\.name))).sorted()
        let context = Context(
            columns: comparison.runs.map { run in
                Column(
                    id: run.id,
                    url: comparison.instancesOf.map { "/runs/" + urlPart($0) + "#step-" + urlPart(run.id) } ?? "/runs/" + urlPart(run.id),
                    workflow: run.workflow, badge: StateBadge(run.stepState?.rawValue ?? run.state.rawValue),
                    duration: Format.duration(run.durationSeconds))
            },
            differing: differing, hasDiffering: !differing.isEmpty, same: same, hasSame: !same.isEmpty,
            model: model, hasModel: !model.isEmpty, data: data, hasData: !data.isEmpty, plots: plots, hasPlots: !plots.isEmpty,
            sortedBy: comparison.sortedBy ?? "", isSorted: comparison.sortedBy != nil,
            metricOptions: metricNames.map { RunsPage.Option(label: $0, selected: $0 == metric) },
            runsQuery: comparison.instancesOf.map { run in
                [Hidden(name: "run", value: run)] + (step.map { [Hidden(name: "step", value: $0)] } ?? [])
            }
                ?? comparison.runs.map { Hidden(value: $0.id) },
            instances: comparison.instancesOf != nil,
            heading: comparison.instancesOf.map { "Compare the instances of run \($0)" } ?? "Compare runs",
            paramsTitle: comparison.instancesOf == nil ? "Params that differ" : "Matrix values that differ",
            sameTitle: comparison.instancesOf == nil ? "Params every run shares" : "Matrix values every instance shares")
        let title = comparison.instancesOf == nil ? "Compare \(comparison.runs.count) runs" : "Compare \(comparison.runs.count) instances"
        return HTMLResponse.page(try renderer.page(.compare, title: title, section: .runs, content: context))
    }

    func artifactURL(_ run: String, _ path: String) -> String {
        "/api/runs/\(urlPart(run))/artifacts/" + path.split(separator: "/").map { urlPart(String($0)) }.joined(separator: "/")
    }
}
