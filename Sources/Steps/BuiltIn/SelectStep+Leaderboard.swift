import FlowSpec
import Foundation
import Learn

/// The select step's ranking and its three files: leaderboard.csv, leaderboard.json, leaderboard.svg.
enum Leaderboard {
    struct Entry: Sendable, Equatable {
        /// The item's place in the gathered list (the matrix's order): breaks ties.
        var order: Int
        var id: String
        var params: [String: Value]
        var value: Double
        var metrics: [String: Double]
        var model: String?
    }

    /// Best first. Equal values keep the matrix's order (the earlier item wins), so a rerun picks the
    /// same winner; a value that is not a number (NaN) ranks last.
    static func rank(_ entries: [Entry], maximize: Bool) -> [Entry] {
        entries.sorted { a, b in
            switch (a.value.isNaN, b.value.isNaN) {
            case (false, true): return true
            case (true, false): return false
            case (true, true): return a.order < b.order
            case (false, false):
                if a.value != b.value { return maximize ? a.value > b.value : a.value < b.value }
                return a.order < b.order
            }
        }
    }

    static func write(_ ranked: [Entry], metric: String, goal: String, to folder: URL) throws -> (csv: URL, json: URL, svg: URL) {
        let paramNames = ranked.flatMap { $0.params.keys }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.sorted()
        let others = Set(ranked.flatMap { $0.metrics.keys }).subtracting([metric]).sorted()
        var csv = (["rank", "item"] + paramNames + [metric] + others).map(csvField).joined(separator: ",") + "\n"
        var rows: [[String: Any]] = []
        for (i, entry) in ranked.enumerated() {
            let params = paramNames.map { entry.params[$0]?.interpolated ?? "" }
            let numbers = ([metric] + others).map { entry.metrics[$0].map { Value.number($0).interpolated } ?? "" }
            csv += ([String(i + 1), entry.id] + params + numbers).map(csvField).joined(separator: ",") + "\n"
            var row: [String: Any] = [
                "rank": i + 1, "item": entry.id,
                "params": (try? JSONSerialization.jsonObject(with: Data(Value.map(entry.params).jsonText.utf8))) ?? [:],
                "value": entry.value.isFinite ? entry.value : NSNull(), "metrics": entry.metrics.filter { $0.value.isFinite },
            ]
            if let model = entry.model { row["model"] = model }
            rows.append(row)
        }
        let csvURL = folder.appendingPathComponent("leaderboard.csv")
        try csv.write(to: csvURL, atomically: true, encoding: .utf8)
        let jsonURL = folder.appendingPathComponent("leaderboard.json")
        let document: [String: Any] = ["metric": metric, "goal": goal, "items": rows]
        try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]).write(to: jsonURL)
        let svgURL = folder.appendingPathComponent("leaderboard.svg")
        try SVGPlot.bars(
            ranked.map { ($0.params.isEmpty ? $0.id : label($0.params, names: paramNames), $0.value) },
            title: "\(metric) (\(goal)), best first"
        ).write(to: svgURL, atomically: true, encoding: .utf8)
        return (csvURL, jsonURL, svgURL)
    }

    private static func label(_ params: [String: Value], names: [String]) -> String {
        names.compactMap { name in params[name].map { "\(name)=\($0.interpolated)" } }.joined(separator: ", ")
    }

    /// RFC 4180: quoted when it holds a comma, quote or line break.
    private static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
