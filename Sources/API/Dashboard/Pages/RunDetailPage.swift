import FlowSpec
import Foundation
import Hummingbird
import Store

/// `/runs/{id}`: the run's graph with live step states, a timeline of attempts, steps, metrics,
/// plots, artifacts, events, logs with a live tail, and Cancel/Retry.
///
/// Everything that changes while the run goes is the "live" part (`/runs/{id}/live`): the page's
/// script fetches it again whenever the event stream reports a state change, so the markup is made
/// here only. The logs panel stays outside it and follows the stream's `log` events.
struct RunDetailPage {
    let services: APIServices

    static let eventsShown = 25

    /// The page; nil when there is no such run.
    func render(id: String) async throws -> String? {
        guard let (detail, events) = try await load(id) else { return nil }
        let tabs = ([("", "run log")] + detail.steps.map { ($0.id, $0.id) }).map { step, label in
            "<button type=\"button\" data-log-step=\"\(html(step))\" aria-pressed=\"\(step.isEmpty)\">\(html(label))</button>"
        }.joined()
        let body = """
            <div id="run-page" data-run="\(html(detail.id))" data-after="\(events.last?.id ?? 0)">
            <p id="action-error" class="notice error" hidden></p>
            <div id="run-live">
            \(live(detail, events: events))
            </div>
            <section id="logs"><h2>Logs</h2>
            <div class="log-tabs" id="log-tabs">\(tabs)</div>
            <pre id="log-lines" class="log" data-step="" aria-live="polite"></pre>
            <p class="muted">The last 500 lines; lines a running step writes appear as they are written.</p>
            </section>
            </div>
            """
        return Layout.page(title: "Run \(detail.id)", section: .runs, loggedIn: services.apiToken != nil, body: body)
    }

    /// The live part alone; nil when there is no such run.
    func renderLive(id: String) async throws -> String? {
        guard let (detail, events) = try await load(id) else { return nil }
        return live(detail, events: events)
    }

    func load(_ id: String) async throws -> (RunDetailView, [EventRecord])? {
        let detail: RunDetailView
        do {
            detail = try await RunDetailView.load(id: id, engine: services.engine)
        } catch let error as APIError where error.status == .notFound {
            return nil
        }
        return (detail, try await services.engine.events(runID: id, after: 0, limit: 10_000))
    }

    func live(_ run: RunDetailView, events: [EventRecord]) -> String {
        let finished = ["succeeded", "failed", "canceled"].contains(run.state)
        let retryable = run.state == "failed" || run.state == "canceled"
        let dataset = run.datasetId.map { "<a href=\"/datasets/\(html(urlPart($0)))\" class=\"mono\">\(html($0))</a>" } ?? "—"
        let graph = DAGGraph(nodes: run.steps.map { step in
            DAGGraph.Node(id: step.id, needs: step.needs, state: step.state,
                          detail: step.attempt > 0 ? "\(step.state) · attempt \(step.attempt)/\(step.maxAttempts)" : step.state)
        })
        let timeline = Timeline(rows: run.steps.map { step in
            Timeline.Row(step: step.id, bars: step.attempts.map { attempt in
                Timeline.Bar(attempt: attempt.attempt, start: attempt.startedAt, end: attempt.finishedAt,
                             state: attempt.outcome ?? "running", worker: attempt.worker)
            })
        }, now: services.engine.clock.now())
        return """
            <h1>Run <code>\(html(run.id))</code> \(StateBadge.render(run.state, id: "run-state"))
            <span class="actions">
            <button type="button" id="cancel-run" class="danger" data-action="cancel"\(finished ? " disabled" : "")>Cancel</button>
            <button type="button" id="retry-run" data-action="retry"\(retryable ? "" : " disabled")>Retry</button>
            </span></h1>
            <div class="grid">
            <section id="run-facts"><h2>Run</h2><dl class="facts">
            <dt>Workflow</dt><dd><a href="/workflows/\(html(urlPart(run.workflow)))">\(html(run.workflow))</a></dd>
            <dt>Trigger</dt><dd>\(html(run.trigger))</dd>
            <dt>Dataset</dt><dd>\(dataset)</dd>
            <dt>Created</dt><dd>\(Format.time(run.createdAt))</dd>
            <dt>Started</dt><dd>\(Format.time(run.startedAt))</dd>
            <dt>Finished</dt><dd>\(Format.time(run.finishedAt))</dd>
            <dt>Duration</dt><dd id="run-duration">\(html(Format.duration(run.durationSeconds)))</dd>
            \(run.error.map { "<dt>Error</dt><dd id=\"run-error\" class=\"error-text\">\(html($0))</dd>" } ?? "")
            </dl></section>
            <section id="run-params"><h2>Params</h2>\(ValueTable.render(run.params, id: "run-params-table"))</section>
            </div>
            <section id="graph"><h2>Graph</h2>\(graph.svg())</section>
            <section id="timeline-section"><h2>Timeline</h2>\(timeline.svg())</section>
            <section id="steps"><h2>Steps</h2>\(steps(run))</section>
            <div class="grid">
            <section id="metrics"><h2>Metrics</h2>\(metrics(run))</section>
            <section id="artifacts"><h2>Artifacts</h2>\(artifacts(run))</section>
            </div>
            \(plots(run))
            <section id="events"><h2>Events</h2>\(eventTable(events))</section>
            """
    }

    func steps(_ run: RunDetailView) -> String {
        let rows = run.steps.map { step in
            """
            <tr id="step-\(html(step.id))" data-step="\(html(step.id))" data-state="\(html(step.state))">\
            <td><b>\(html(step.id))</b></td><td>\(StateBadge.render(step.state))</td>\
            <td class="num">\(step.attempt) / \(step.maxAttempts)</td><td>\(html(step.worker ?? "—"))</td>\
            <td>\(Format.time(step.startedAt))</td><td class="num">\(html(Format.duration(step.durationSeconds)))</td>\
            <td class="num">\(step.exitStatus.map(String.init) ?? "—")</td>\
            <td>\(step.outputs.isEmpty ? "" : ValueTable.render(relative(.map(step.outputs), to: run.id)))\
            \(step.error.map { "<div class=\"error-text\">\(html($0))</div>" } ?? "")</td></tr>
            """
        }.joined(separator: "\n")
        return """
            <table id="steps-table"><thead><tr><th>Step</th><th>State</th><th class="num">Attempt</th><th>Worker</th>\
            <th>Started</th><th class="num">Duration</th><th class="num">Exit</th><th>Outputs / error</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
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

    func metrics(_ run: RunDetailView) -> String {
        let rows = run.steps.flatMap { step in
            step.metrics.keys.sorted().map { name in
                "<tr data-metric=\"\(html(step.id + "." + name))\"><td>\(html(step.id))</td><td>\(html(name))</td>"
                    + "<td class=\"num\">\(html(Format.number(step.metrics[name] ?? .nan)))</td></tr>"
            }
        }
        guard !rows.isEmpty else { return "<p class=\"empty\">No metrics yet.</p>" }
        return "<table id=\"metrics-table\"><thead><tr><th>Step</th><th>Metric</th><th class=\"num\">Value</th></tr></thead><tbody>"
            + rows.joined() + "</tbody></table>"
    }

    func artifacts(_ run: RunDetailView) -> String {
        let items = run.steps.flatMap(\.artifacts).map { artifact in
            "<li><a href=\"\(html(artifactURL(run.id, artifact.path)))\" download data-artifact=\"\(html(artifact.path))\">"
                + "\(html(artifact.path))</a> <span class=\"muted\">\(html(Format.bytes(artifact.sizeBytes)))</span></li>"
        }
        guard !items.isEmpty else { return "<p class=\"empty\">No files yet.</p>" }
        return "<ul id=\"artifact-list\">" + items.joined() + "</ul>"
    }

    /// The SVG plots steps wrote (the evaluate step's confusion matrix, ROC curve, …), inline.
    func plots(_ run: RunDetailView) -> String {
        let figures = run.steps.flatMap(\.artifacts).filter { $0.path.lowercased().hasSuffix(".svg") }.map { artifact in
            let name = String(artifact.path.split(separator: "/").last ?? "")
            return "<figure><img class=\"plot\" src=\"\(html(artifactURL(run.id, artifact.path)))\" alt=\"\(html(name))\" "
                + "data-plot=\"\(html(artifact.path))\"><figcaption>\(html(artifact.path))</figcaption></figure>"
        }
        guard !figures.isEmpty else { return "" }
        return "<section id=\"plots\"><h2>Plots</h2><div class=\"plots\">" + figures.joined() + "</div></section>"
    }

    func eventTable(_ events: [EventRecord]) -> String {
        guard !events.isEmpty else { return "<p class=\"empty\">No events yet.</p>" }
        let rows = events.suffix(Self.eventsShown).reversed().map { event in
            "<tr data-event=\"\(event.id)\"><td>\(Format.time(event.at))</td><td>\(html(event.kind))</td>"
                + "<td>\(html(event.stepID ?? ""))</td><td>\(html(event.message))</td></tr>"
        }.joined()
        return "<table id=\"events-table\"><thead><tr><th>At</th><th>Kind</th><th>Step</th><th>Message</th></tr></thead><tbody>\(rows)</tbody></table>"
            + (events.count > Self.eventsShown ? "<p class=\"muted\">The last \(Self.eventsShown) of \(events.count) events.</p>" : "")
    }

    /// `/api/runs/{id}/artifacts/{step}/{path}` with every part encoded.
    func artifactURL(_ run: String, _ path: String) -> String {
        "/api/runs/\(urlPart(run))/artifacts/" + path.split(separator: "/").map { urlPart(String($0)) }.joined(separator: "/")
    }
}
