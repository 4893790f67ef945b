import FlowSpec
import Foundation
import Learn

/// Picks the best item of a matrix sweep: ranks the gathered evaluate items by one metric, writes the
/// leaderboard (`Leaderboard.swift`), and outputs the winner's params, model and metrics.
public struct SelectStep: Step {
    public static let name = "select"
    public static let summary =
        "ranks a matrix sweep's items by a metric: leaderboard.csv/.json/.svg, and the best item's params, model and metrics"

    public init() {}

    public func run(_ context: StepContext) async throws -> StepResult {
        let p = context.parameters
        let metric = try p.string("metric")
        let goal = try Self.goal(try p.string("goal", default: ""), metric: metric)
        guard let items = p.values["items"]?.listValue else {
            throw StepError.invalidInput("with.items: expected the gathered items, e.g. items: ${{ steps.evaluate.items }}")
        }
        guard !items.isEmpty else { throw StepError.invalidInput("with.items: there are no items to select from (were they all skipped?)") }
        let models = try Self.modelsByItem(p.values["models"])

        var entries: [Leaderboard.Entry] = []
        for (index, item) in items.enumerated() {
            let place = "with.items[\(index)]"
            guard let fields = item.mapValue, let id = fields["id"]?.stringValue else {
                throw StepError.invalidInput("\(place): expected an item of steps.ID.items (a map with id, matrix and outputs)")
            }
            let params = fields["matrix"]?.mapValue ?? [:]
            guard let metricsPath = fields["outputs"]?.mapValue?["metrics"]?.stringValue else {
                throw StepError.invalidInput("\(place) (\(id)): has no `metrics` output; gather an evaluate step")
            }
            let metrics = try Self.readMetrics(
                try context.existingFile(metricsPath, parameter: "items[\(index)].outputs.metrics"), item: id)
            guard let value = metrics[metric] else {
                throw StepError.invalidInput(
                    "\(place) (\(id)): metrics.json has no metric '\(metric)' (it has: \(metrics.keys.sorted().joined(separator: ", ")))")
            }
            entries.append(
                Leaderboard.Entry(
                    order: index, id: id, params: params, value: value, metrics: metrics,
                    model: models[Value.map(params).jsonText]))
        }
        let ranked = Leaderboard.rank(entries, maximize: goal == "maximize")
        let files = try Leaderboard.write(ranked, metric: metric, goal: goal, to: context.artifactDirectory)
        let best = ranked[0]
        context.log.info("best of \(ranked.count) by \(metric) (\(goal)): \(best.id) with \(metric)=\(String(format: "%.4f", best.value))")
        var outputs: [String: Value] = [
            "best": .string(best.id), "params": .map(best.params), "metric": .string(metric), "value": .number(best.value),
            "metrics": .map(best.metrics.mapValues(Value.number)),
            "leaderboard": .string(files.json.path), "leaderboard_csv": .string(files.csv.path), "chart": .string(files.svg.path),
        ]
        if let model = best.model { outputs["model"] = .string(model) }
        return StepResult(outputs: outputs, metrics: [metric: best.value])
    }

    /// `goal:` as given, else the metric's direction from the one table (`Learn.MetricDirection`).
    static func goal(_ given: String, metric: String) throws -> String {
        switch given {
        case "maximize", "minimize": return given
        case "":
            switch MetricDirection.of(metric) {
            case .higherIsBetter: return "maximize"
            case .lowerIsBetter: return "minimize"
            case nil:
                throw StepError.invalidInput(
                    "with.goal: say maximize or minimize for metric '\(metric)' (known without it: "
                        + "\(MetricDirection.known.joined(separator: ", ")), and their _macro, _weighted and train_ forms)")
            }
        default:
            throw StepError.invalidInput("with.goal: expected maximize or minimize, got '\(given)'")
        }
    }

    /// `models: ${{ steps.train.items }}` → the model path of each item, by its matrix values.
    static func modelsByItem(_ value: Value?) throws -> [String: String] {
        guard let value else { return [:] }
        guard let items = value.listValue else {
            throw StepError.invalidInput("with.models: expected the gathered train items, e.g. models: ${{ steps.train.items }}")
        }
        var out: [String: String] = [:]
        for item in items {
            guard let fields = item.mapValue, let model = fields["outputs"]?.mapValue?["model"]?.stringValue else { continue }
            out[Value.map(fields["matrix"]?.mapValue ?? [:]).jsonText] = model
        }
        return out
    }

    /// The numbers under `metrics` of an evaluate step's metrics.json (docs/steps.md).
    static func readMetrics(_ url: URL, item: String) throws -> [String: Double] {
        let data = try Data(contentsOf: url)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let metrics = object["metrics"] as? [String: Any]
        else {
            throw StepError.invalidInput("\(url.path) (\(item)): not an evaluate metrics.json (no `metrics` object)")
        }
        return metrics.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}
