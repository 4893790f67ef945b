import Foundation
import Hummingbird
import Store

/// `/`: recent runs, runs by state, success rate, median duration, workers, and one metric across
/// the recent runs of a workflow (`?workflow=&metric=`).
struct OverviewPage {
    let services: APIServices
    let snapshots: StoreSnapshots
    let renderer: PageRenderer

    struct Stat: Encodable {
        let statID: String
        let value: String
        let label: String
    }

    struct Option: Encodable {
        let label: String
        let selected: Bool
    }

    /// The metric chart's section: the workflow and metric select boxes, and the line.
    struct MetricSection: Encodable {
        let hasWorkflows: Bool
        let workflow: String
        let workflowOptions: [Option]
        let metricOptions: [Option]
        let hasChart: Bool
        let chartSVG: String
        let chartRuns: Int
    }

    struct Context: Encodable {
        let hasStoreProblem: Bool
        let storeProblem: String
        let stats: [Stat]
        let stateBarSVG: String
        let medianRuns: Int
        let chartRuns: Int
        let durationsSVG: String
        let metric: MetricSection
        let recentRuns: RunTable
        let workers: WorkerTable
    }

    /// Metrics the chart shows first when a workflow has them.
    static let preferredMetrics = ["evaluate.f1", "evaluate.accuracy", "evaluate.roc_auc"]
    /// Runs the chart and the median look back over.
    static let chartRuns = 30, medianRuns = 200

    func render(_ request: Request) async throws -> String {
        let store = services.engine
        let now = services.engine.clock.now()
        let query = Query(request: request)
        let snapshot = await snapshots.current()
        let latest = try await store.runSummaries(RunQuery(limit: Self.chartRuns))
        let recent = Array(latest.prefix(15))
        let succeeded = try await store.runSummaries(RunQuery(state: .succeeded, limit: Self.medianRuns))

        let counts = snapshot.runCounts
        let total = counts.values.reduce(0, +)
        let finished = [RunState.succeeded, .failed, .canceled].reduce(0) { $0 + counts[$1, default: 0] }
        let successRate = finished > 0 ? Double(counts[.succeeded, default: 0]) / Double(finished) : nil
        let succeededDurations = succeeded.compactMap { run in
            run.startedAt.flatMap { start in run.finishedAt.map { $0.timeIntervalSince(start) } }
        }
        let stats = [
            ("Runs", "\(total)", "stat-runs"),
            ("Active", "\(counts[.queued, default: 0] + counts[.running, default: 0])", "stat-active"),
            ("Success rate", Format.percent(successRate), "stat-success"),
            ("Median duration", Format.duration(Self.median(succeededDurations)), "stat-median"),
            ("Workers alive", "\(snapshot.workers.count)", "stat-workers"),
            ("Queued steps", "\(snapshot.queueDepth)", "stat-queue"),
            // What the step cache holds on disk (its entries' files; reuses add none: hard links).
            ("Step cache", snapshot.cache.map { "\(Format.bytes($0.bytes)) · \($0.entries) entries" } ?? "—", "stat-cache"),
        ].map { label, value, id in Stat(statID: id, value: value, label: label) }
        let stateBar = StateBar(
            parts: RunState.allCases.map { state in
                .init(state: state.rawValue, count: counts[state, default: 0], href: "/runs?state=\(state.rawValue)")
            })
        let durations = DurationBars(
            bars: latest.reversed().map { run in
                .init(
                    label: run.id, href: "/runs/\(urlPart(run.id))", state: run.state.rawValue,
                    seconds: run.startedAt.map { (run.finishedAt ?? now).timeIntervalSince($0) })
            })
        let metric = try await metricSection(workflow: query.string("workflow"), metric: query.string("metric"), recent: latest)
        let context = Context(
            hasStoreProblem: snapshot.error != nil, storeProblem: snapshot.error ?? "", stats: stats,
            stateBarSVG: stateBar.render(), medianRuns: Self.medianRuns, chartRuns: Self.chartRuns,
            durationsSVG: durations.svg(), metric: metric, recentRuns: RunTable(recent, now: now, id: "recent-runs-table"),
            workers: WorkerTable(snapshot.workers, now: now))
        return try renderer.page(.overview, title: "Overview", section: .overview, content: context)
    }

    /// The chart's section: the workflow and metric select boxes, and the line of the metric over
    /// the workflow's last succeeded runs, oldest to newest.
    func metricSection(workflow requested: String?, metric requestedMetric: String?, recent: [RunSummary]) async throws -> MetricSection {
        let store = services.engine
        var workflows = WorkflowSummaryView.all(engine: services.engine).map(\.name)
        if let requested, !workflows.contains(requested) { workflows.append(requested) }
        // Asked for, or the busiest recent workflows in turn (at most 3) until one has metrics.
        let candidates = requested.map { [$0] } ?? Array(Self.busiest(recent).prefix(3))
        guard let first = candidates.first ?? workflows.first else {
            return MetricSection(
                hasWorkflows: false, workflow: "", workflowOptions: [], metricOptions: [], hasChart: false, chartSVG: "",
                chartRuns: Self.chartRuns)
        }
        var workflow = first
        var values: [(run: RunRecord, metrics: [String: Double])] = []
        var names: Set<String> = []
        for candidate in candidates.isEmpty ? [first] : candidates {
            workflow = candidate
            values = []
            let runs = Array(try await store.runs(RunQuery(state: .succeeded, workflow: candidate, limit: Self.chartRuns)).reversed())
            for run in runs {
                let metrics = Dictionary(
                    try await store.metrics(runID: run.id).map { ($0.stepID + "." + $0.name, $0.value) }, uniquingKeysWith: { $1 })
                names.formUnion(metrics.keys)
                values.append((run, metrics))
            }
            if !names.isEmpty { break }
        }
        // None has metrics: the busiest is named ("no succeeded run of … has metrics yet").
        if names.isEmpty { workflow = first }
        if !workflows.contains(workflow) { workflows.append(workflow) }
        let sortedNames = names.sorted()
        let metric =
            requestedMetric.flatMap { names.contains($0) ? $0 : nil }
            ?? Self.preferredMetrics.first { names.contains($0) } ?? sortedNames.first
        var chartSVG = ""
        if let metric {
            let points = values.compactMap { entry in
                entry.metrics[metric].map {
                    LineChart.Point(
                        label: entry.run.id, href: "/runs/\(urlPart(entry.run.id))", value: $0,
                        group: Self.modelType(entry.run))
                }
            }
            chartSVG = LineChart(points: points, name: metric).svg()
        }
        return MetricSection(
            hasWorkflows: true, workflow: workflow,
            workflowOptions: workflows.map { Option(label: $0, selected: $0 == workflow) },
            metricOptions: sortedNames.map { Option(label: $0, selected: $0 == metric) },
            hasChart: metric != nil, chartSVG: chartSVG, chartRuns: Self.chartRuns)
    }

    /// The workflows of the recent runs, those with the most succeeded runs first (then the most
    /// runs, then the newest): the chart's default, rather than whatever ran last, which may be a
    /// workflow without metrics.
    static func busiest(_ recent: [RunSummary]) -> [String] {
        var succeeded: [String: Int] = [:], all: [String: Int] = [:], newest: [String: Int] = [:]
        for (index, run) in recent.enumerated() {
            all[run.workflowName, default: 0] += 1
            if run.state == .succeeded { succeeded[run.workflowName, default: 0] += 1 }
            if newest[run.workflowName] == nil { newest[run.workflowName] = index }
        }
        return all.keys.sorted { a, b in
            (succeeded[a, default: 0], all[a, default: 0], -newest[a, default: 0]) > (
                succeeded[b, default: 0], all[b, default: 0], -newest[b, default: 0]
            )
        }
    }

    /// The run's `model_type` param, if it has one.
    static func modelType(_ run: RunRecord) -> String? {
        guard let data = run.paramsJSON.data(using: .utf8),
            let params = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return params["model_type"] as? String
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
