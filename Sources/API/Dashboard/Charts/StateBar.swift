/// How many runs are in each state, as one stacked bar and a legend linking to the filtered list.
struct StateBar {
    struct Part {
        var state: String
        var count: Int
        var href: String
    }

    var parts: [Part]

    static let width = 600.0, height = 18.0

    func render() -> String {
        let total = parts.reduce(0) { $0 + $1.count }
        var bar =
            "<svg id=\"state-bar\" class=\"state-bar\" viewBox=\"0 0 \(px(Self.width)) \(px(Self.height))\" width=\"\(px(Self.width))\" "
            + "preserveAspectRatio=\"none\" role=\"img\" aria-label=\"Runs by state\">"
        var x = 0.0
        for part in parts where part.count > 0 && total > 0 {
            let width = Self.width * Double(part.count) / Double(total)
            bar +=
                "<rect class=\"state-\(html(part.state))\" x=\"\(px(x))\" y=\"0\" width=\"\(px(width))\" height=\"\(px(Self.height))\">"
                + "<title>\(html(part.state)): \(part.count)</title></rect>"
            x += width
        }
        if total == 0 { bar += "<rect class=\"state-none\" x=\"0\" y=\"0\" width=\"\(px(Self.width))\" height=\"\(px(Self.height))\"/>" }
        bar += "</svg>"
        let legend = parts.map { part in
            "<a class=\"state-\(html(part.state))\" href=\"\(html(part.href))\" data-count-state=\"\(html(part.state))\">"
                + "<span class=\"swatch\"></span>\(html(part.state)) <b>\(part.count)</b></a>"
        }.joined()
        return bar + "<div class=\"legend\">\(legend)</div>"
    }
}
