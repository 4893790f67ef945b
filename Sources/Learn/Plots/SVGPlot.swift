import FlowSpec
import Foundation

/// Self-contained SVG charts the dashboard shows: no scripts, no external fonts.
public enum SVGPlot {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }

    static func header(_ width: Int, _ height: Int, title: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="20" text-anchor="middle" font-size="15" font-weight="bold">\(escape(title))</text>

        """
    }

    public static func confusionMatrix(_ matrix: [[Int]], classes: [String]) -> String {
        let k = classes.count, cell = max(40, min(90, 360 / max(k, 1)))
        let left = 110, top = 50, width = left + k * cell + 30, height = top + k * cell + 60
        let maxValue = max(1, matrix.flatMap { $0 }.max() ?? 1)
        var svg = header(width, height, title: "Confusion matrix")
        for i in 0..<k {
            svg += "<text x=\"\(left - 8)\" y=\"\(top + i * cell + cell / 2 + 4)\" text-anchor=\"end\">\(escape(classes[i]))</text>\n"
            svg +=
                "<text x=\"\(left + i * cell + cell / 2)\" y=\"\(top + k * cell + 18)\" text-anchor=\"middle\">\(escape(classes[i]))</text>\n"
            for j in 0..<k {
                let v = matrix[i][j]
                let shade = Double(v) / Double(maxValue)
                let color = String(format: "rgb(%d,%d,%d)", Int(255 - 200 * shade), Int(255 - 140 * shade), 255)
                svg +=
                    "<rect x=\"\(left + j * cell)\" y=\"\(top + i * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(color)\" stroke=\"#999\"/>\n"
                svg +=
                    "<text x=\"\(left + j * cell + cell / 2)\" y=\"\(top + i * cell + cell / 2 + 5)\" text-anchor=\"middle\" fill=\"\(shade > 0.6 ? "white" : "black")\">\(v)</text>\n"
            }
        }
        svg += "<text x=\"\(left + k * cell / 2)\" y=\"\(top + k * cell + 40)\" text-anchor=\"middle\">predicted</text>\n"
        svg +=
            "<text x=\"14\" y=\"\(top + k * cell / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(top + k * cell / 2))\">actual</text>\n"
        return svg + "</svg>\n"
    }

    /// The ROC curve of the positive class, with the chance diagonal.
    public static func rocCurve(_ points: [(Double, Double)], auc: Double?, positive: String) -> String {
        let size = 300, left = 50, top = 40
        var svg = header(
            left + size + 30, top + size + 50,
            title: "ROC curve for '\(positive)'" + (auc.map { String(format: " (AUC %.3f)", $0) } ?? ""))
        svg += axes(left: left, top: top, size: size, xLabel: "false positive rate", yLabel: "true positive rate")
        svg += "<line x1=\"\(left)\" y1=\"\(top + size)\" x2=\"\(left + size)\" y2=\"\(top)\" stroke=\"#bbb\" stroke-dasharray=\"4\"/>\n"
        let path = points.map { String(format: "%.1f,%.1f", Double(left) + $0.0 * Double(size), Double(top + size) - $0.1 * Double(size)) }
            .joined(separator: " ")
        svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#2563eb\" stroke-width=\"2\"/>\n"
        return svg + "</svg>\n"
    }

    public static func scatter(actual: [Double], predicted: [Double]) -> String {
        let size = 300, left = 60, top = 40
        let lo = min(actual.min() ?? 0, predicted.min() ?? 0), hi = max(actual.max() ?? 1, predicted.max() ?? 1)
        let span = hi > lo ? hi - lo : 1
        var svg = header(left + size + 30, top + size + 50, title: "Predicted vs actual")
        svg += axes(
            left: left, top: top, size: size,
            xLabel: "actual (\(NumberText.format(lo, significant: 3)) … \(NumberText.format(hi, significant: 3)))", yLabel: "predicted")
        svg += "<line x1=\"\(left)\" y1=\"\(top + size)\" x2=\"\(left + size)\" y2=\"\(top)\" stroke=\"#bbb\" stroke-dasharray=\"4\"/>\n"
        for (a, p) in zip(actual, predicted).prefix(5000) {
            svg += String(
                format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#2563eb\" fill-opacity=\"0.6\"/>\n",
                Double(left) + (a - lo) / span * Double(size), Double(top + size) - (p - lo) / span * Double(size))
        }
        return svg + "</svg>\n"
    }

    public static func featureImportances(_ importances: [String: Double], top count: Int = 15) -> String {
        let items = importances.sorted { $0.value > $1.value }.prefix(count)
        let left = 200, top = 40, barHeight = 20, width = 560
        let maxValue = max(items.first?.value ?? 1, 1e-12)
        var svg = header(width, top + items.count * (barHeight + 6) + 20, title: "Feature importances")
        for (i, item) in items.enumerated() {
            let y = top + i * (barHeight + 6)
            let w = Int(Double(width - left - 70) * item.value / maxValue)
            svg += "<text x=\"\(left - 8)\" y=\"\(y + 14)\" text-anchor=\"end\">\(escape(item.key))</text>\n"
            svg += "<rect x=\"\(left)\" y=\"\(y)\" width=\"\(max(w, 1))\" height=\"\(barHeight)\" fill=\"#16a34a\"/>\n"
            svg += String(format: "<text x=\"%d\" y=\"%d\">%.3f</text>\n", left + max(w, 1) + 6, y + 14, item.value)
        }
        return svg + "</svg>\n"
    }

    private static func axes(left: Int, top: Int, size: Int, xLabel: String, yLabel: String) -> String {
        var s = "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(size)\" height=\"\(size)\" fill=\"none\" stroke=\"#333\"/>\n"
        for t in stride(from: 0, through: 4, by: 1) {
            let f = Double(t) / 4
            s += String(
                format: "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"10\">%.2f</text>\n", left - 4,
                top + size - Int(f * Double(size)) + 3, f)
            s += String(
                format: "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%.2f</text>\n", left + Int(f * Double(size)),
                top + size + 14, f)
        }
        s += "<text x=\"\(left + size / 2)\" y=\"\(top + size + 32)\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        s +=
            "<text x=\"14\" y=\"\(top + size / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(top + size / 2))\">\(escape(yLabel))</text>\n"
        return s
    }
}
