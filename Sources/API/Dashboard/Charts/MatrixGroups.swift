import Foundation

/// A run's matrix instances (`train[model_type=logistic]`) grouped under their step on the run page:
/// the graph shows one node per matrix step ("6/8 done") and the Gantt one row holding all its
/// instances' bars, each followed by a `<details>` per step with its instances — open when there are
/// few (≤ 4). No script: the CSP forbids inline JS (docs/dashboard.md, "Code").
enum MatrixGroups {
    static let openUpTo = 4

    /// `train` for `train[model_type=logistic]`; nil for a step outside a matrix.
    static func group(of stepID: String) -> String? {
        guard stepID.hasSuffix("]"), let open = stepID.firstIndex(of: "["), open > stepID.startIndex else { return nil }
        return String(stepID[..<open])
    }

    /// Group name → its instances' ids, in the run's order; empty when the run has no matrix.
    static func groups(_ ids: [String]) -> [(name: String, members: [String])] {
        var order: [String] = []
        var members: [String: [String]] = [:]
        for id in ids {
            guard let name = group(of: id) else { continue }
            if members[name] == nil { order.append(name) }
            members[name, default: []].append(id)
        }
        return order.map { ($0, members[$0] ?? []) }
    }

    /// The step graph with each matrix step as one node, then a `<details>` per matrix step listing
    /// its instances with their states (linked to their rows in the steps table).
    static func graphHTML(_ graph: DAGGraph) -> String {
        let groups = groups(graph.nodes.map(\.id))
        guard !groups.isEmpty else { return graph.svg() }
        let nodeByID = Dictionary(graph.nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var collapsed: [DAGGraph.Node] = []
        var seen: Set<String> = []
        for node in graph.nodes {
            let name = group(of: node.id) ?? node.id
            guard seen.insert(name).inserted else { continue }
            let members = group(of: node.id) == nil ? [node] : groups.first { $0.name == name }!.members.compactMap { nodeByID[$0] }
            var needs: [String] = []
            for need in members.flatMap(\.needs) {
                let target = group(of: need) ?? need
                if target != name, !needs.contains(target) { needs.append(target) }
            }
            if members.count == 1, group(of: node.id) == nil {
                var plain = node
                plain.needs = needs
                collapsed.append(plain)
            } else {
                let states = members.map(\.state)
                // A workflow's graph (no run): what the step does, times its instances.
                let detail = states.allSatisfy { $0 == "none" } ? "\(members[0].detail) ×\(members.count)" : tally(states)
                collapsed.append(DAGGraph.Node(id: name, needs: needs, state: aggregate(states), detail: detail))
            }
        }
        var out = DAGGraph(nodes: collapsed).svg()
        for (name, members) in groups {
            let states = members.compactMap { nodeByID[$0]?.state }
            let planned = states.allSatisfy { $0 == "none" }
            out +=
                "<details class=\"matrix-group\" data-group=\"\(html(name))\"\(members.count <= openUpTo ? " open" : "")>"
                + "<summary>\(html(name)): \(members.count) instances\(planned ? "" : ", " + html(tally(states)))</summary><ul>"
            for id in members {
                let state = nodeByID[id]?.state ?? "pending"
                out +=
                    planned
                    ? "<li data-step=\"\(html(id))\">\(html(id))</li>"
                    : "<li data-step=\"\(html(id))\"><a href=\"#step-\(html(id))\">\(html(id))</a> "
                        + "<span class=\"badge state-\(html(state))\">\(html(nodeByID[id]?.detail ?? state))</span></li>"
            }
            out += "</ul></details>"
        }
        return out
    }

    /// The Gantt with one row per matrix step (every instance's bars on it), then a `<details>` per
    /// matrix step holding its instances' own rows.
    static func timelineHTML(_ timeline: Timeline) -> String {
        let groups = groups(timeline.rows.map(\.step))
        guard !groups.isEmpty else { return timeline.svg() }
        var rows: [Timeline.Row] = []
        var seen: Set<String> = []
        for row in timeline.rows {
            guard let name = group(of: row.step) else { rows.append(row); continue }
            guard seen.insert(name).inserted else { continue }
            let members = timeline.rows.filter { group(of: $0.step) == name }
            rows.append(Timeline.Row(step: "\(name) ×\(members.count)", bars: members.flatMap(\.bars)))
        }
        var out = Timeline(rows: rows, now: timeline.now).svg()
        for (name, members) in groups {
            let memberRows = timeline.rows.filter { members.contains($0.step) }
            var inner = Timeline(rows: memberRows, now: timeline.now)
            inner.svgID = "timeline-\(name)"
            inner.start = timeline.rows.flatMap(\.bars).map(\.start).min()
            out +=
                "<details class=\"matrix-group\" data-group=\"\(html(name))\"\(members.count <= openUpTo ? " open" : "")>"
                + "<summary>\(html(name)): \(members.count) instances</summary>\(inner.svg())</details>"
        }
        return out
    }

    /// The group's state for its node's colour: failed if any failed, running if any runs, succeeded
    /// when all succeeded (or were cached/skipped), else pending.
    static func aggregate(_ states: [String]) -> String {
        if states.allSatisfy({ $0 == "none" }) { return "none" }
        if states.contains(where: { $0 == "failed" || $0 == "upstream_failed" }) { return "failed" }
        if states.contains("running") { return "running" }
        if states.allSatisfy({ ["succeeded", "cached", "skipped"].contains($0) }) {
            return states.allSatisfy { $0 == "cached" } ? "cached" : "succeeded"
        }
        if states.contains("canceled") { return "canceled" }
        return states.contains("ready") ? "ready" : "pending"
    }

    /// `6/8 done · 1 running · 1 failed`.
    static func tally(_ states: [String]) -> String {
        let done = states.filter { ["succeeded", "cached", "skipped"].contains($0) }.count
        var parts = ["\(done)/\(states.count) done"]
        let running = states.filter { $0 == "running" }.count, failed = states.filter { $0 == "failed" || $0 == "upstream_failed" }.count
        if running > 0 { parts.append("\(running) running") }
        if failed > 0 { parts.append("\(failed) failed") }
        return parts.joined(separator: " · ")
    }
}
