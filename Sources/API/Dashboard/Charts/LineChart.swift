/// A metric across runs as a line chart in inline SVG: runs evenly spaced oldest to newest, one
/// dot per run linking to it.
struct LineChart {
    struct Point {
        var label: String
        var href: String
        var value: Double
        /// What the point's run trained (its `model_type` param), when known: dots are coloured by it.
        var group: String? = nil
    }

    var points: [Point]
    var name: String

    static let width = 640.0, height = 220.0, left = 52.0, right = 14.0, top = 12.0, bottom = 26.0
    /// Colours for model types (`.series-0` … in the stylesheet); more types than these repeat them.
    static let seriesColours = 6

    func svg() -> String {
        guard !points.isEmpty else { return "<p class=\"empty\">No values yet.</p>" }
        let values = points.map(\.value)
        var low = values.min() ?? 0, high = values.max() ?? 1
        if high - low < 1e-12 { low -= 0.05 * max(abs(low), 1); high += 0.05 * max(abs(high), 1) }
        let ticks = Ticks.values(low, high, count: 4)
        low = min(low, ticks.first ?? low)
        high = max(high, ticks.last ?? high)
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        func x(_ index: Int) -> Double {
            points.count == 1 ? Self.left + plotWidth / 2 : Self.left + plotWidth * Double(index) / Double(points.count - 1)
        }
        func y(_ value: Double) -> Double { Self.top + plotHeight * (1 - (value - low) / (high - low)) }

        var out =
            "<svg id=\"metric-chart\" class=\"line-chart\" viewBox=\"0 0 \(px(Self.width)) \(px(Self.height))\" width=\"\(px(Self.width))\" "
            + "role=\"img\" aria-label=\"\(html(name)) across runs\" data-points=\"\(points.count)\"><g class=\"axis\">"
        for tick in ticks {
            out +=
                "<line x1=\"\(px(Self.left))\" x2=\"\(px(Self.width - Self.right))\" y1=\"\(px(y(tick)))\" y2=\"\(px(y(tick)))\"/>"
                + "<text x=\"\(px(Self.left - 6))\" y=\"\(px(y(tick) + 4))\" text-anchor=\"end\">\(html(Format.number(tick)))</text>"
        }
        out +=
            "<text x=\"\(px(Self.left))\" y=\"\(px(Self.height - 6))\">\(html(points.first?.label ?? ""))</text>"
            + (points.count > 1
                ? "<text x=\"\(px(Self.width - Self.right))\" y=\"\(px(Self.height - 6))\" text-anchor=\"end\">\(html(points.last?.label ?? ""))</text>"
                : "")
            + "</g>"
        let line = points.indices.map { "\(px(x($0))),\(px(y(points[$0].value)))" }.joined(separator: " ")
        out += "<polyline class=\"chart-line\" points=\"\(line)\"/>"
        // One colour per model type, in the order they first appear; the legend under the chart names them.
        var groups: [String] = []
        for group in points.compactMap(\.group) where !groups.contains(group) { groups.append(group) }
        for (index, point) in points.enumerated() {
            let series = point.group.flatMap { groups.firstIndex(of: $0) }.map { " series-\($0 % Self.seriesColours)" } ?? ""
            let label = point.label + (point.group.map { " · \($0)" } ?? "")
            out +=
                "<a href=\"\(html(point.href))\"><circle class=\"chart-dot\(series)\" cx=\"\(px(x(index)))\" cy=\"\(px(y(point.value)))\" r=\"4\" "
                + "data-group=\"\(html(point.group ?? ""))\"><title>\(html(label)): \(html(Format.number(point.value)))</title></circle></a>"
        }
        out += "</svg>"
        if !groups.isEmpty {
            out +=
                "<div class=\"legend\" id=\"metric-legend\">"
                + groups.enumerated().map { index, group in
                    "<span class=\"series-\(index % Self.seriesColours)\"><span class=\"swatch\"></span>\(html(group))</span>"
                }.joined() + "</div>"
        }
        return out
    }
}
