import Foundation

extension SVGPlot {
    /// Horizontal bars, one per label, in the order given (the select step's leaderboard: best first).
    /// `highlight` is drawn in another colour (the winner). Bars start at zero, or at the smallest value
    /// when some are negative (R² can be).
    public static func bars(_ items: [(label: String, value: Double)], title: String, highlight: Int? = 0) -> String {
        let left = 300, top = 40, barHeight = 18, width = 720
        let finite = items.map(\.value).filter(\.isFinite)
        let low = min(0, finite.min() ?? 0), high = max(finite.max() ?? 1, low + 1e-12)
        var svg = header(width, top + items.count * (barHeight + 6) + 20, title: title)
        for (i, item) in items.enumerated() {
            let y = top + i * (barHeight + 6)
            let fraction = item.value.isFinite ? (item.value - low) / (high - low) : 0
            let w = max(1, Int(Double(width - left - 80) * fraction))
            let colour = i == highlight ? "#16a34a" : "#64748b"
            svg += "<text x=\"\(left - 8)\" y=\"\(y + 13)\" text-anchor=\"end\">\(escape(item.label))</text>\n"
            svg += "<rect x=\"\(left)\" y=\"\(y)\" width=\"\(w)\" height=\"\(barHeight)\" fill=\"\(colour)\"/>\n"
            svg += String(format: "<text x=\"%d\" y=\"%d\">%.4f</text>\n", left + w + 6, y + 13, item.value)
        }
        return svg + "</svg>\n"
    }
}
