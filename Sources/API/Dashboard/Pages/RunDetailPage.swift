import Engine
import FlowSpec
import Foundation
import Hummingbird
import Store

/// `/runs/{id}`: the run's graph with live step states, a timeline of attempts, steps, metrics,
/// plots, artifacts, events, logs with a live tail, and Cancel/Retry.
///
/// Everything that changes while the run goes is the "live" part (`/runs/{id}/live`,
/// `pages/run-live`): the page's script fetches it again whenever the event stream reports a state
/// change, so its markup is in one template, which the page includes. The logs panel stays outside
/// it and follows the stream's `log` events.
struct RunDetailPage {
    let services: APIServices
    let renderer: PageRenderer

    static let eventsShown = 25
    /// Events the page holds at most: the newest 25 show, the rest behind "show all" (the API has every one).
    static let eventsHeld = 1000

    struct LogTab: Encodable {
        let step: String
        let label: String
        let pressed: Bool
    }

    struct PageContext: Encodable {
        let id: String
        let lastEvent: Int64
        let live: LiveContext
        let tabs: [LogTab]
        let runLogURL: String
    }

    struct StepRow: Encodable {
        let id: String
        let state: String
        let badge: StateBadge
        let attempt: Int
        let maxAttempts: Int
        let worker: String
        let startedAt: Stamp
        let duration: String
        let exit: String
        let hasOutputs: Bool
        let outputs: ValueTable
        /// None or one.
        let errors: [String]
        /// None or one: where a cached step came from, or why a step ran although it ran before.
        let cacheNotes: [CacheNote]
        /// None or one: why a ready step is not running yet (``WaitingReason``).
        let waiting: [String]
    }

    struct CacheNote: Encodable {
        let text: String
        /// The source run's page, for a cached step; empty otherwise.
        let url: String
        let hasURL: Bool
    }

    struct MetricRow: Encodable {
        let key: String
        let step: String
        let name: String
        let value: String
    }

    struct ArtifactLink: Encodable {
        let url: String
        let path: String
        let size: String
    }

    struct Plot: Encodable {
        let url: String
        let name: String
        let path: String
        /// Drawn wider: a bar per feature has long, small labels (the evaluate step's feature importances).
        let wide: Bool
    }

    struct EventRow: Encodable {
        let id: Int64
        let at: Stamp
        let kind: String
        let step: String
        let message: String
        /// Beyond the newest ``eventsShown``: hidden until the visitor asks for all.
        let older: Bool
    }

    struct LiveContext: Encodable {
        let id: String
        let badge: StateBadge
        let finished: Bool
        let retryable: Bool
        let workflow: String
        let workflowURL: String
        let trigger: String
        let hasDataset: Bool
        let dataset: String
        let datasetURL: String
        let createdAt: Stamp
        let startedAt: Stamp
        let finishedAt: Stamp
        let duration: String
        /// None or one.
        let errors: [String]
        /// Each failed step's cause, shown first.
        let hasFailures: Bool
        let failures: [RunFailure]
        let params: ValueTable
        let graphSVG: String
        let timelineSVG: String
        let steps: [StepRow]
        let hasMetrics: Bool
        /// The model's scores first (``MetricGroups``); the data's counters in their own group.
        let hasModelMetrics: Bool
        let modelMetrics: [MetricRow]
        let hasCounterMetrics: Bool
        let counterMetrics: [MetricRow]
        let counterCount: Int
        let hasArtifacts: Bool
        let artifacts: [ArtifactLink]
        let hasPlots: Bool
        let plots: [Plot]
        let hasEvents: Bool
        let events: [EventRow]
        let eventsCut: Bool
        let eventsShown: Int
        let eventCount: Int
        /// Events held on the page (at most ``eventsHeld``), and whether the run has more still.
        let eventsHeldCount: Int
        let eventsBeyondHeld: Bool
        /// Matrix instances reported metrics: "Compare instances" opens `/compare?run=ID` (issue 16).
        var comparesInstances = false
    }

    /// The page; nil when there is no such run.
    func render(id: String) async throws -> String? {
        guard let (detail, events, attempts) = try await load(id) else { return nil }
        let tabs = ([("", "run log")] + detail.steps.map { ($0.id, $0.id) }).map { step, label in
            LogTab(step: step, label: label, pressed: step.isEmpty)
        }
        let context = PageContext(
            id: detail.id, lastEvent: events.last?.id ?? 0, live: live(detail, events: events, attempts: attempts),
            tabs: tabs, runLogURL: logDownloadURL(detail.id, step: nil, attempt: nil))
        return try renderer.page(.run, title: "Run \(detail.id)", section: .runs, content: context)
    }

    /// The live part alone; nil when there is no such run.
    func renderLive(id: String) async throws -> String? {
        guard let (detail, events, attempts) = try await load(id) else { return nil }
        return try renderer.part(.runLive, live(detail, events: events, attempts: attempts))
    }

    /// The run, its events, and — only when a step failed — its attempts with their error excerpts.
    func load(_ id: String) async throws -> (RunDetailView, [EventRecord], [AttemptRecord])? {
        let detail: RunDetailView
        do {
            detail = try await RunDetailView.load(id: id, engine: services.engine)
        } catch let error as APIError where error.status == .notFound {
            return nil
        }
        let events = try await services.engine.events(runID: id, after: 0, limit: 10_000)
        let failed = detail.steps.contains { $0.state == StepState.failed.rawValue }
        return (detail, events, failed ? try await services.engine.attempts(runID: id) : [])
    }

    func live(_ run: RunDetailView, events: [EventRecord], attempts: [AttemptRecord] = []) -> LiveContext {
        let graph = DAGGraph(
            nodes: run.steps.map { step in
                DAGGraph.Node(
                    id: step.id, needs: step.needs, state: step.state,
                    detail: step.attempt > 0 ? "\(step.state) · attempt \(step.attempt)/\(step.maxAttempts)" : step.state)
            })
        let timeline = Timeline(
            rows: run.steps.map { step in
                Timeline.Row(
                    step: step.id,
                    bars: step.attempts.map { attempt in
                        Timeline.Bar(
                            attempt: attempt.attempt, start: attempt.startedAt, end: attempt.finishedAt,
                            state: attempt.outcome ?? "running", worker: attempt.worker)
                    })
            }, now: services.engine.clock.now())
        let steps = run.steps.map { step in
            StepRow(
                id: step.id, state: step.state, badge: StateBadge(step.state), attempt: step.attempt, maxAttempts: step.maxAttempts,
                worker: step.worker ?? "—", startedAt: Stamp(step.startedAt), duration: Format.duration(step.durationSeconds),
                exit: step.exitStatus.map(String.init) ?? "—", hasOutputs: !step.outputs.isEmpty,
                outputs: ValueTable(relative(.map(step.outputs), to: run.id)), errors: step.error.map { [$0] } ?? [],
                cacheNotes: step.attempts.last { $0.attempt == step.attempt }.flatMap { latest in
                    latest.cacheNote.map { note in
                        let url = latest.cachedFrom.map { "/runs/\($0.runId)" } ?? ""
                        return [CacheNote(text: note, url: url, hasURL: !url.isEmpty)]
                    }
                } ?? [],
                waiting: step.waitingReason.map { [$0] } ?? [])
        }
        let metricValues = Dictionary(run.steps.map { ($0.id, $0.metrics) }, uniquingKeysWith: { $1 })
        let (model, counters) = MetricGroups.arrange(
            run.steps.flatMap { step in step.metrics.keys.map { (step.id, $0) } },
            stepOrder: run.steps.map(\.id))
        func metricRow(_ m: (step: String, name: String)) -> MetricRow {
            MetricRow(key: m.step + "." + m.name, step: m.step, name: m.name, value: Format.number(metricValues[m.step]?[m.name] ?? .nan))
        }
        let modelMetrics = model.map(metricRow), counterMetrics = counters.map(metricRow)
        let artifacts = run.steps.flatMap(\.artifacts)
        let links = artifacts.map { ArtifactLink(url: artifactURL(run.id, $0.path), path: $0.path, size: Format.bytes($0.sizeBytes)) }
        // The SVG plots steps wrote (the evaluate step's confusion matrix, ROC curve, …), as images.
        let plots = artifacts.filter { $0.path.lowercased().hasSuffix(".svg") }.map { artifact in
            Plot(
                url: artifactURL(run.id, artifact.path), name: String(artifact.path.split(separator: "/").last ?? ""), path: artifact.path,
                wide: artifact.path.lowercased().contains("importance"))
        }
        let eventRows = events.suffix(Self.eventsHeld).reversed().enumerated().map { index, event in
            EventRow(
                id: event.id, at: Stamp(event.at), kind: event.kind, step: event.stepID ?? "", message: event.message,
                older: index >= Self.eventsShown)
        }
        let failures = RunFailure.of(run, attempts: attempts)
        return LiveContext(
            id: run.id, badge: StateBadge(run.state, id: "run-state"),
            finished: ["succeeded", "failed", "canceled"].contains(run.state), retryable: run.state == "failed" || run.state == "canceled",
            workflow: run.workflow, workflowURL: urlPart(run.workflow), trigger: run.trigger,
            hasDataset: run.datasetId != nil, dataset: run.datasetId ?? "", datasetURL: urlPart(run.datasetId ?? ""),
            createdAt: Stamp(run.createdAt), startedAt: Stamp(run.startedAt), finishedAt: Stamp(run.finishedAt),
            duration: Format.duration(run.durationSeconds), errors: run.error.map { [$0] } ?? [],
            hasFailures: !failures.isEmpty, failures: failures,
            params: ValueTable(run.params, id: "run-params-table"), graphSVG: MatrixGroups.graphHTML(graph),
            timelineSVG: MatrixGroups.timelineHTML(timeline), steps: steps,
            hasMetrics: !modelMetrics.isEmpty || !counterMetrics.isEmpty, hasModelMetrics: !modelMetrics.isEmpty,
            modelMetrics: modelMetrics,
            hasCounterMetrics: !counterMetrics.isEmpty, counterMetrics: counterMetrics, counterCount: counterMetrics.count,
            hasArtifacts: !links.isEmpty, artifacts: links, hasPlots: !plots.isEmpty,
            plots: plots, hasEvents: !events.isEmpty, events: eventRows, eventsCut: events.count > Self.eventsShown,
            eventsShown: Self.eventsShown, eventCount: events.count, eventsHeldCount: eventRows.count,
            eventsBeyondHeld: events.count > Self.eventsHeld,
            comparesInstances: run.steps.contains { !$0.metrics.isEmpty && MatrixGroups.group(of: $0.id) != nil })
    }

    /// Outputs name files in the run's folder by absolute path; `evaluate/roc_curve.svg` says as much.
    func relative(_ value: Value, to run: String) -> Value {
        let folder = services.engine.layout.runs.appendingPathComponent(run).path + "/"
        switch value {
        case .string(let text) where text.hasPrefix(folder): return .string(String(text.dropFirst(folder.count)))
        case .list(let items): return .list(items.map { relative($0, to: run) })
        case .map(let map): return .map(map.mapValues { relative($0, to: run) })
        default: return value
        }
    }

    /// `/api/runs/{id}/artifacts/{step}/{path}` with every part encoded.
    func artifactURL(_ run: String, _ path: String) -> String {
        "/api/runs/\(urlPart(run))/artifacts/" + path.split(separator: "/").map { urlPart(String($0)) }.joined(separator: "/")
    }
}
