import ArgumentParser
import Foundation
import Learn

/// Every model on every data set of ``BenchModelData`` with preprocess's and train's defaults and
/// a fixed split: the evidence for the exam pipeline's default `model_type` (docs/steps.md).
struct BenchModels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Test metrics of every model on the sample data and generated sets with a known structure (JSON, or a Markdown table).")

    @Option(help: "Data sets, comma-separated (default: all): sample, nine_classes, short_uneven, imbalanced, continuous.") var sets:
        String?
    @Option(help: "Seed of the generated data.") var seed: UInt64 = 7
    @Option(help: "preprocess's transform: none or auto.") var transform = "none"
    @Flag(help: "Print a Markdown table instead of JSON.") var markdown = false

    func run() async throws {
        let chosen = sets?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let data = BenchModelData.all.filter { chosen?.contains($0.name) ?? true }
        guard !data.isEmpty else { throw CLIError(message: "--sets: none of \(sets ?? "") is a data set", code: 2) }
        guard ["none", "auto"].contains(transform) else { throw CLIError(message: "--transform: none or auto", code: 2) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var results: [[String: Any]] = []
        for set in data {
            let url = folder.appendingPathComponent("\(set.name).csv")
            try set.write(url, seed)
            var pre = Preprocessor()
            set.preprocess(&pre)
            pre.transform = transform == "auto" ? .auto : .none
            let prepared = try pre.run(csv: url, displayName: url.lastPathComponent)
            let task = prepared.task
            // linear on a classification target is logistic (train says so); logistic refuses a regression.
            let types: [ModelType] =
                task == .classification
                ? [.logistic, .randomForest, .gradientBoosting]
                : [.linear, .randomForest, .gradientBoosting]
            for type in types {
                var config = ModelConfig(type: type)
                config.task = task
                let started = ContinuousClock.now
                let model = try ModelTrainer.train(prepared.train, config: config)
                let elapsed = ContinuousClock.now - started
                let predictions = try model.predict(prepared.test)
                var metrics: [String: Double]
                if task == .classification {
                    let classes = model.classes + Set(prepared.test.labels).subtracting(model.classes).sorted()
                    metrics =
                        ClassificationMetrics(
                            actual: prepared.test.labels, predicted: predictions.labels, classes: classes,
                            probabilities: predictions.probabilities, modelClasses: model.classes.count
                        ).values
                } else {
                    metrics = RegressionMetrics.compute(
                        actual: prepared.test.labels.compactMap(Double.init), predicted: predictions.values ?? [])
                }
                let keep = ["accuracy", "balanced_accuracy", "f1", "roc_auc", "r2", "mae"]
                results.append([
                    "set": set.name, "model_type": type.rawValue, "task": task.rawValue,
                    "train_rows": prepared.train.rowCount, "test_rows": prepared.test.rowCount,
                    "features": prepared.train.columnCount,
                    "fit_s": Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                    "metrics": metrics.filter { keep.contains($0.key) },
                ])
            }
        }
        if markdown {
            print(Self.table(results, sets: data))
        } else {
            let report: [String: Any] = [
                "seed": seed, "transform": transform, "results": results,
                "sets": data.map { ["name": $0.name, "description": $0.description] },
            ]
            print(
                String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
        }
    }

    /// One row per data set: each model's headline metric (balanced accuracy for classes, R² for a
    /// regression), then accuracy / F1 in brackets.
    static func table(_ results: [[String: Any]], sets: [BenchModelData]) -> String {
        var lines = [
            "| data set | rows (train/test) | linear (ridge) or logistic | random_forest | gradient_boosting |",
            "| --- | --- | --- | --- | --- |",
        ]
        for set in sets {
            let rows = results.filter { $0["set"] as? String == set.name }
            guard let first = rows.first else { continue }
            let cells = rows.map { r -> String in
                let m = r["metrics"] as? [String: Double] ?? [:]
                let fit = String(format: "%.1f s", r["fit_s"] as? Double ?? 0)
                if r["task"] as? String == "regression" {
                    return String(format: "R² %.3f (MAE %.3f; %@)", m["r2"] ?? .nan, m["mae"] ?? .nan, fit)
                }
                return String(
                    format: "bal. acc. %.3f (acc. %.3f, F1 %.3f; %@)", m["balanced_accuracy"] ?? .nan, m["accuracy"] ?? .nan,
                    m["f1"] ?? .nan, fit)
            }
            lines.append("| \(set.name) | \(first["train_rows"]!)/\(first["test_rows"]!) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
