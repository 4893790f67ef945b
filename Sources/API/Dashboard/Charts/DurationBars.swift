/// Durations of runs as bars in inline SVG, oldest to newest, each coloured by the run's state and
/// linking to it; runs that have not started have no bar.
struct DurationBars {
    struct Bar {
        var label: String
        var href: String
        var state: String
        var seconds: Double?
    }

    var bars: [Bar]

    static let width = 640.0, height = 180.0, left = 52.0, top = 18.0, bottom = 22.0

    func svg() -> String {
        let longest = bars.compactMap(\.seconds).max() ?? 0
        guard longest > 0 else { return "<p class=\"empty\">No run has finished yet.</p>" }
        let ticks = Ticks.seconds(upTo: longest, count: 4)
        let top = max(ticks.last ?? longest, longest)
        let plotHeight = Self.height - Self.top - Self.bottom
        let slot = min((Self.width - Self.left) / Double(max(bars.count, 1)), 40)
        func y(_ seconds: Double) -> Double { Self.top + plotHeight * (1 - seconds / top) }
        var out =
            "<svg id=\"duration-chart\" class=\"duration-chart\" viewBox=\"0 0 \(px(Self.width)) \(px(Self.height))\" width=\"\(px(Self.width))\" "
            + "role=\"img\" aria-label=\"Durations of recent runs\"><g class=\"axis\">"
        for tick in ticks {
            out +=
                "<line x1=\"\(px(Self.left))\" x2=\"\(px(Self.width))\" y1=\"\(px(y(tick)))\" y2=\"\(px(y(tick)))\"/>"
                + "<text x=\"\(px(Self.left - 6))\" y=\"\(px(y(tick) + 4))\" text-anchor=\"end\">\(html(Format.shortDuration(tick)))</text>"
        }
        // What the axes mean: duration up, runs from the oldest (left) to the newest (right).
        out +=
            "<text class=\"duration-axis\" x=\"\(px(Self.left - 6))\" y=\"10\" text-anchor=\"end\">duration</text>"
            + "<text class=\"duration-axis\" x=\"\(px(Self.left))\" y=\"\(px(Self.height - 6))\">← older</text>"
            + "<text class=\"duration-axis\" x=\"\(px(Self.width))\" y=\"\(px(Self.height - 6))\" text-anchor=\"end\">newer → (\(bars.count) runs)</text>"
        out += "</g>"
        for (index, bar) in bars.enumerated() {
            guard let seconds = bar.seconds else { continue }
            let height = max(plotHeight * seconds / top, 1)
            out +=
                "<a href=\"\(html(bar.href))\"><rect class=\"bar state-\(html(bar.state))\" x=\"\(px(Self.left + Double(index) * slot + slot * 0.15))\" "
                + "y=\"\(px(Self.top + plotHeight - height))\" width=\"\(px(slot * 0.7))\" height=\"\(px(height))\">"
                + "<title>\(html(bar.label)): \(html(bar.state)), \(html(Format.duration(seconds)))</title></rect></a>"
        }
        return out + "</svg>"
    }
}
