import FlowSpec
import Foundation
import Learn

/// Scores a model on the test table: metrics with scikit-learn's definitions, predictions, SVG plots.
public struct EvaluateStep: Step {
    public static let name = "evaluate"
    public static let summary = "metrics (scikit-learn definitions), predictions.csv and SVG plots for a model on a test table"
    /// Predicting with a forest or boosting keeps every core busy (XGBoost's `nthread` =
    /// ``StepContext/threads``): with the default one slot, a 100-tree forest predicted 40,000 rows
    /// on one thread, 7 s on 160,000 × 40 — most of the time around its fit (docs/steps.md).
    public static let slots = StepSlots.allCores

    public init() {}

    public func run(_ context: StepContext) async throws -> StepResult {
        let stepStarted = Date()
        let p = context.parameters
        let model = try TrainedModel.load(from: try context.existingFile(try p.string("model"), parameter: "model"))
        let features = try p.string("features")
        // A line before the read: a large table takes seconds, and an empty log looks like a hang.
        context.log.info("reading \(features)")
        let table = try FeatureTable.read(from: try context.existingFile(features, parameter: "features"), displayName: features)
        guard table.rowCount > 0 else { throw StepError.invalidInput("with.features: \(features): the test table has no rows") }
        let loaded = Date()
        let predictions: Predictions
        do { predictions = try model.predict(table, threads: context.threads) } catch let error as LearnError {
            throw error.isPermanent ? StepError.invalidInput("\(features): \(error)") : StepError.failed("\(features): \(error)")
        }
        let predicted = Date()
        let dir = context.artifactDirectory
        var plots: [String] = []
        func plot(_ name: String, _ svg: String) throws {
            let url = dir.appendingPathComponent(name)
            try svg.write(to: url, atomically: true, encoding: .utf8)
            plots.append(url.path)
        }
        var metrics: [String: Double]
        var report: [String: Any] = ["model_type": model.modelType.rawValue, "task": model.task.rawValue, "rows": table.rowCount]
        var csv: String
        if model.task == .classification {
            let unseen = Set(table.labels).subtracting(model.classes)
            if !unseen.isEmpty {
                context.log.warning(
                    "test labels never seen in training: \(unseen.sorted().joined(separator: ", ")) — those rows count as errors")
            }
            let classes = model.classes + unseen.sorted()
            let result = ClassificationMetrics(
                actual: table.labels, predicted: predictions.labels, classes: classes,
                probabilities: predictions.probabilities, modelClasses: model.classes.count)
            metrics = result.values
            report["classes"] = classes
            report["confusion_matrix"] = result.confusion
            report["positive_class"] = ClassificationMetrics.positiveClass(of: model.classes)
            if let threshold = model.decisionThreshold, model.classes.count == 2, let probs = predictions.probabilities {
                let atThreshold = Self.metrics(at: threshold, of: model, actual: table.labels, probabilities: probs, classes: classes)
                let keys = ["accuracy", "precision", "recall", "f1"]
                report["threshold"] =
                    [
                        "value": threshold.value, "positive_class": threshold.positiveClass,
                        "chosen_by": "F1 on out-of-fold predictions of the training rows (\(threshold.folds) folds)",
                        "out_of_fold_f1": threshold.outOfFoldF1, "out_of_fold_f1_at_0.5": threshold.outOfFoldF1AtHalf,
                        "at_0.5": metrics.filter { keys.contains($0.key) },
                        "at_threshold": atThreshold.filter { keys.contains($0.key) },
                    ] as [String: Any]
                metrics["threshold"] = threshold.value
                for key in keys { metrics["\(key)_at_threshold"] = atThreshold[key] }
                context.log.info(
                    String(
                        format: "at the out-of-fold threshold %.4f: F1 %.4f, precision %.4f, recall %.4f, accuracy %.4f (at 0.5: F1 %.4f)",
                        threshold.value, atThreshold["f1"] ?? 0, atThreshold["precision"] ?? 0, atThreshold["recall"] ?? 0,
                        atThreshold["accuracy"] ?? 0, metrics["f1"] ?? 0))
            }
            try plot("confusion_matrix.svg", SVGPlot.confusionMatrix(result.confusion, classes: classes))
            if model.classes.count == 2, let probs = predictions.probabilities {
                let pos = model.classes.firstIndex(of: ClassificationMetrics.positiveClass(of: model.classes)) ?? 1
                let curve = ClassificationMetrics.rocCurve(
                    scores: probs.map { $0[pos] }, positives: table.labels.map { $0 == model.classes[pos] })
                if !curve.isEmpty {
                    try plot("roc_curve.svg", SVGPlot.rocCurve(curve, auc: metrics["roc_auc"], positive: model.classes[pos]))
                }
            }
            csv = "id,actual,predicted" + model.classes.map { ",p_\($0)" }.joined() + "\n"
            for r in 0..<table.rowCount {
                csv += "\(table.ids[r]),\(table.labels[r]),\(predictions.labels[r])"
                csv += (predictions.probabilities?[r] ?? []).map { String(format: ",%.6f", $0) }.joined() + "\n"
            }
        } else {
            let actual = try table.labels.enumerated().map { row, label -> Double in
                guard let v = Double(label) else {
                    throw StepError.invalidInput(
                        "\(features): row \(row + 2) (id \(table.ids[row])): label '\(label)' is not a number, and the model is a regression"
                    )
                }
                return v
            }
            let values = predictions.values ?? []
            metrics = RegressionMetrics.compute(actual: actual, predicted: values)
            metrics["predictions_clipped"] = Double(predictions.clipped)
            if predictions.clipped > 0, let range = model.targetRange {
                context.log.warning(
                    "\(predictions.clipped) of \(table.rowCount) predictions fell outside the training targets' range [\(range[0]), \(range[1])] and were clipped to it"
                )
            }
            try plot("predicted_vs_actual.svg", SVGPlot.scatter(actual: actual, predicted: values))
            csv =
                "id,actual,predicted\n"
                + (0..<table.rowCount).map { "\(table.ids[$0]),\(actual[$0]),\(values[$0])" }.joined(separator: "\n") + "\n"
        }
        if !model.featureImportances.isEmpty { try plot("feature_importances.svg", SVGPlot.featureImportances(model.featureImportances)) }
        report["metrics"] = metrics
        let metricsURL = dir.appendingPathComponent("metrics.json")
        try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]).write(to: metricsURL)
        let predictionsURL = dir.appendingPathComponent("predictions.csv")
        try csv.write(to: predictionsURL, atomically: true, encoding: .utf8)
        let done = Date()
        context.log.info(
            String(
                format: "evaluated in %.2f s: reading the model and table %.2f s, predicting %.2f s, metrics, plots and files %.2f s",
                done.timeIntervalSince(stepStarted), loaded.timeIntervalSince(stepStarted),
                predicted.timeIntervalSince(loaded), done.timeIntervalSince(predicted)))
        context.log.info(metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(String(format: "%.4f", $0.value))" }.joined(separator: " "))
        return StepResult(
            outputs: [
                "metrics": .string(metricsURL.path), "predictions": .string(predictionsURL.path), "plots": .list(plots.map(Value.string)),
            ],
            metrics: metrics)
    }

    /// Test metrics when a row is called positive at the model's chosen threshold instead of 0.5.
    static func metrics(
        at threshold: DecisionThreshold, of model: TrainedModel, actual: [String], probabilities: [[Double]],
        classes: [String]
    ) -> [String: Double] {
        let positive = model.classes.firstIndex(of: threshold.positiveClass) ?? 1
        let negative = 1 - positive
        let predicted = probabilities.map { $0[positive] >= threshold.value ? model.classes[positive] : model.classes[negative] }
        return ClassificationMetrics(
            actual: actual, predicted: predicted, classes: classes, probabilities: nil,
            positive: threshold.positiveClass, modelClasses: model.classes.count
        ).values
    }
}
