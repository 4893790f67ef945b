import Foundation

/// A Gantt chart of a run's step attempts in inline SVG: one row per step, one bar per attempt,
/// coloured by how the attempt ended (running bars reach `now`).
struct Timeline {
    struct Row {
        var step: String
        var bars: [Bar]
    }

    struct Bar {
        var attempt: Int
        var start: Date
        var end: Date?
        /// `succeeded`, `failed`, `lease_expired`, …, or `running`.
        var state: String
        var worker: String
    }

    var rows: [Row]
    var now: Date
    /// The SVG's id: a matrix step's own Gantt (MatrixGroups.swift) is a second chart on the page.
    var svgID = "timeline"
    /// Time zero of the axis; nil: the first bar's start. A matrix step's chart shares the run's.
    var start: Date? = nil

    init(rows: [Row], now: Date) {
        self.rows = rows
        self.now = now
    }

    static let labelWidth = 130.0, chartWidth = 720.0, rowHeight = 26.0, barHeight = 16.0, axisHeight = 22.0

    func svg() -> String {
        let bars = rows.flatMap(\.bars)
        guard let start = self.start ?? bars.map(\.start).min() else {
            return "<p id=\"timeline-empty\" class=\"empty\">No step has started yet.</p>"
        }
        let end = bars.map { $0.end ?? now }.max() ?? now
        let ticks = Ticks.seconds(upTo: max(end.timeIntervalSince(start), 0.5))
        let span = max(ticks.last ?? 1, end.timeIntervalSince(start), 0.5)
        let scale = Self.chartWidth / span
        let width = Self.labelWidth + Self.chartWidth + 20
        let height = Self.axisHeight + Double(rows.count) * Self.rowHeight + 4
        var out =
            "<svg id=\"\(html(svgID))\" class=\"timeline\" viewBox=\"0 0 \(px(width)) \(px(height))\" width=\"\(px(width))\" role=\"img\" aria-label=\"Timeline of step attempts\">"
        out += "<g class=\"axis\">"
        for tick in ticks {
            let x = Self.labelWidth + tick * scale
            out +=
                "<line x1=\"\(px(x))\" y1=\"\(px(Self.axisHeight - 4))\" x2=\"\(px(x))\" y2=\"\(px(height))\"/>"
                + "<text x=\"\(px(x))\" y=\"12\" text-anchor=\"middle\">\(html(Format.shortDuration(tick)))</text>"
        }
        out += "</g>"
        for (index, row) in rows.enumerated() {
            let y = Self.axisHeight + Double(index) * Self.rowHeight
            out +=
                "<g class=\"timeline-row\" data-step=\"\(html(row.step))\">"
                + "<text x=\"0\" y=\"\(px(y + Self.rowHeight / 2 + 4))\">\(html(DAGGraph.clip(row.step, 18)))</text>"
            for bar in row.bars {
                let from = bar.start.timeIntervalSince(start)
                let seconds = (bar.end ?? now).timeIntervalSince(bar.start)
                let x = Self.labelWidth + from * scale
                let barWidth = max(seconds * scale, 2)
                out +=
                    "<rect class=\"bar state-\(html(bar.state))\" data-attempt=\"\(bar.attempt)\" x=\"\(px(x))\" y=\"\(px(y + (Self.rowHeight - Self.barHeight) / 2))\" "
                    + "width=\"\(px(barWidth))\" height=\"\(px(Self.barHeight))\" rx=\"3\">"
                    + "<title>\(html(row.step)) attempt \(bar.attempt): \(html(bar.state)), \(html(Format.duration(seconds))) on \(html(bar.worker))</title></rect>"
            }
            out += "</g>"
        }
        return out + "</svg>"
    }
}
