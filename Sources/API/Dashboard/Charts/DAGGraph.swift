/// A workflow's steps as a graph in inline SVG, layered by dependency depth: a step sits one column
/// right of its deepest upstream, so columns read left to right in the order steps can run.
struct DAGGraph {
    struct Node {
        var id: String
        var needs: [String]
        /// A step state (`running`), or `none` for a workflow's graph outside a run.
        var state: String
        /// Second line of the box: the state and attempt, or what the step does.
        var detail: String
    }

    var nodes: [Node]

    static let width = 168.0, height = 44.0, gapX = 56.0, gapY = 16.0, pad = 8.0

    /// Column of each step: 0 without needs, else 1 + the deepest upstream's (needs outside the
    /// graph and cycles, which validation refuses anyway, count as depth 0).
    func depths() -> [String: Int] {
        let byID = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var depth: [String: Int] = [:]
        var visiting: Set<String> = []
        func visit(_ id: String) -> Int {
            if let known = depth[id] { return known }
            guard let node = byID[id], !visiting.contains(id) else { return 0 }
            visiting.insert(id)
            let value = node.needs.filter { byID[$0] != nil }.map { visit($0) + 1 }.max() ?? 0
            visiting.remove(id)
            depth[id] = value
            return value
        }
        for node in nodes { _ = visit(node.id) }
        return depth
    }

    func svg() -> String {
        guard !nodes.isEmpty else { return "<p class=\"empty\">No steps.</p>" }
        let depth = depths()
        let columns = (depth.values.max() ?? 0) + 1
        // Within a column, order steps by the mean row of their upstreams (fewer crossing edges).
        var rowOf: [String: Double] = [:]
        var layers: [[Node]] = Array(repeating: [], count: columns)
        for column in 0..<columns {
            let members = nodes.enumerated().filter { depth[$0.element.id] == column }
            let ordered = members.sorted { a, b in
                let ka = key(a.element, rowOf, fallback: Double(a.offset)), kb = key(b.element, rowOf, fallback: Double(b.offset))
                return ka != kb ? ka < kb : a.offset < b.offset
            }.map(\.element)
            for (row, node) in ordered.enumerated() { rowOf[node.id] = Double(row) }
            layers[column] = ordered
        }
        let tallest = layers.map(\.count).max() ?? 1
        let totalWidth = Self.pad * 2 + Double(columns) * Self.width + Double(columns - 1) * Self.gapX
        let totalHeight = Self.pad * 2 + Double(tallest) * Self.height + Double(tallest - 1) * Self.gapY
        var origin: [String: (x: Double, y: Double)] = [:]
        for (column, layer) in layers.enumerated() {
            let layerHeight = Double(layer.count) * Self.height + Double(layer.count - 1) * Self.gapY
            let top = Self.pad + (totalHeight - 2 * Self.pad - layerHeight) / 2
            for (row, node) in layer.enumerated() {
                origin[node.id] = (Self.pad + Double(column) * (Self.width + Self.gapX), top + Double(row) * (Self.height + Self.gapY))
            }
        }

        var out =
            "<svg id=\"dag\" class=\"dag\" viewBox=\"0 0 \(px(totalWidth)) \(px(totalHeight))\" width=\"\(px(totalWidth))\" role=\"img\" aria-label=\"Step graph\">"
        out +=
            "<defs><marker id=\"dag-arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>"
        for node in nodes {
            guard let to = origin[node.id] else { continue }
            for need in node.needs {
                guard let from = origin[need] else { continue }
                let x1 = from.x + Self.width, y1 = from.y + Self.height / 2, x2 = to.x - 1, y2 = to.y + Self.height / 2
                let bend = (x2 - x1) / 2
                out +=
                    "<path class=\"dag-edge\" data-from=\"\(html(need))\" data-to=\"\(html(node.id))\" marker-end=\"url(#dag-arrow)\" "
                    + "d=\"M\(px(x1)),\(px(y1)) C\(px(x1 + bend)),\(px(y1)) \(px(x2 - bend)),\(px(y2)) \(px(x2)),\(px(y2))\"/>"
            }
        }
        for node in nodes {
            guard let at = origin[node.id] else { continue }
            out +=
                "<a href=\"#step-\(html(node.id))\"><g class=\"dag-node state-\(html(node.state))\" data-step=\"\(html(node.id))\" "
                + "data-state=\"\(html(node.state))\" transform=\"translate(\(px(at.x)),\(px(at.y)))\">"
                + "<title>\(html(node.id)): \(html(node.detail))</title>"
                + "<rect width=\"\(px(Self.width))\" height=\"\(px(Self.height))\" rx=\"6\"/>"
                + "<text class=\"dag-name\" x=\"10\" y=\"18\">\(html(Self.clip(node.id, 20)))</text>"
                + "<text class=\"dag-state\" x=\"10\" y=\"34\">\(html(Self.clip(node.detail, 26)))</text></g></a>"
        }
        return out + "</svg>"
    }

    private func key(_ node: Node, _ rowOf: [String: Double], fallback: Double) -> Double {
        let rows = node.needs.compactMap { rowOf[$0] }
        return rows.isEmpty ? fallback : rows.reduce(0, +) / Double(rows.count)
    }

    static func clip(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}
