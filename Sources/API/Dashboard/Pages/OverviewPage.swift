import Foundation
import Hummingbird
import Store

/// `/`: recent runs, runs by state, success rate, median duration, workers, and one metric across
/// the recent runs of a workflow (`?workflow=&metric=`).
struct OverviewPage {
    let services: APIServices
    let snapshots: StoreSnapshots

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
        let succeededDurations = succeeded.compactMap { run in run.startedAt.flatMap { start in run.finishedAt.map { $0.timeIntervalSince(start) } } }
        let stats = [
            ("Runs", "\(total)", "stat-runs"),
            ("Active", "\(counts[.queued, default: 0] + counts[.running, default: 0])", "stat-active"),
            ("Success rate", Format.percent(successRate), "stat-success"),
            ("Median duration", Format.duration(Self.median(succeededDurations)), "stat-median"),
            ("Workers alive", "\(snapshot.workers.count)", "stat-workers"),
            ("Queued steps", "\(snapshot.queueDepth)", "stat-queue"),
        ].map { label, value, id in
            "<div class=\"stat\" id=\"\(id)\"><div class=\"value\">\(html(value))</div><div class=\"label\">\(html(label))</div></div>"
        }.joined()
        let stateBar = StateBar(parts: RunState.allCases.map { state in
            .init(state: state.rawValue, count: counts[state, default: 0], href: "/runs?state=\(state.rawValue)")
        })
        let durations = DurationBars(bars: latest.reversed().map { run in
            .init(label: run.id, href: "/runs/\(urlPart(run.id))", state: run.state.rawValue,
                  seconds: run.startedAt.map { (run.finishedAt ?? now).timeIntervalSince($0) })
        })
        let storeProblem = snapshot.error.map { "<p class=\"notice error\">The store cannot be read: \(html($0))</p>" } ?? ""

        let chart = try await metricChart(workflow: query.string("workflow"), metric: query.string("metric"), recent: recent)
        let body = """
            <h1>Overview</h1>
            \(storeProblem)
            <div class="stats">\(stats)</div>
            <div class="grid">
            <section id="runs-by-state"><h2>Runs by state</h2>\(stateBar.render())
            <p class="muted">Success rate over all finished runs; median duration of the last \(Self.medianRuns) succeeded runs.</p></section>
            <section id="durations"><h2>Durations of the last \(Self.chartRuns) runs</h2>\(durations.svg())</section>
            </div>
            \(chart)
            <section id="recent-runs"><h2>Recent runs <a href="/runs" class="muted">all runs →</a></h2>
            \(RunTable.render(recent, now: now, id: "recent-runs-table"))
            </section>
            """
        return Layout.page(title: "Overview", section: .overview, loggedIn: services.apiToken != nil, body: body)
    }

    /// The chart's section: the workflow and metric select boxes, and the line of the metric over
    /// the workflow's last succeeded runs, oldest to newest.
    func metricChart(workflow requested: String?, metric requestedMetric: String?, recent: [RunSummary]) async throws -> String {
        let store = services.engine
        var workflows = WorkflowSummaryView.all(engine: services.engine).map(\.name)
        if let requested, !workflows.contains(requested) { workflows.append(requested) }
        guard let workflow = requested ?? recent.first?.workflowName ?? workflows.first else {
            return "<section id=\"metric-section\"><h2>Metrics</h2><p class=\"empty\">No workflows yet.</p></section>"
        }
        if !workflows.contains(workflow) { workflows.append(workflow) }

        let runs = Array(try await store.runSummaries(RunQuery(state: .succeeded, workflow: workflow, limit: Self.chartRuns)).reversed())
        var values: [(run: RunSummary, metrics: [String: Double])] = []
        var names: Set<String> = []
        for run in runs {
            let metrics = Dictionary(try await store.metrics(runID: run.id).map { ($0.stepID + "." + $0.name, $0.value) }, uniquingKeysWith: { $1 })
            names.formUnion(metrics.keys)
            values.append((run, metrics))
        }
        let sortedNames = names.sorted()
        let metric = requestedMetric.flatMap { names.contains($0) ? $0 : nil }
            ?? Self.preferredMetrics.first { names.contains($0) } ?? sortedNames.first
        let workflowOptions = workflows.map { "<option\($0 == workflow ? " selected" : "")>\(html($0))</option>" }.joined()
        let metricOptions = sortedNames.map { "<option\($0 == metric ? " selected" : "")>\(html($0))</option>" }.joined()
        let chart: String
        if let metric {
            let points = values.compactMap { entry in
                entry.metrics[metric].map { LineChart.Point(label: entry.run.id, href: "/runs/\(urlPart(entry.run.id))", value: $0) }
            }
            chart = LineChart(points: points, name: metric).svg()
        } else {
            chart = "<p class=\"empty\">No succeeded run of \(html(workflow)) has metrics yet.</p>"
        }
        return """
            <section id="metric-section"><h2>Metric across recent runs</h2>
            <form class="filters" method="get" action="/" id="metric-form">
            <label>Workflow <select name="workflow" data-autosubmit>\(workflowOptions)</select></label>
            <label>Metric <select name="metric" id="metric-select" data-autosubmit>\(metricOptions)</select></label>
            <button type="submit">Show</button>
            </form>
            \(chart)
            <p class="muted">The last \(Self.chartRuns) succeeded runs of \(html(workflow)), oldest to newest; a dot opens its run.</p>
            </section>
            """
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
