import FlowSpec
import Foundation
import Learn

/// Scores a model on the test table: metrics with scikit-learn's definitions, predictions, SVG plots.
public struct EvaluateStep: Step {
    public static let name = "evaluate"
    public static let summary = "metrics (scikit-learn definitions), predictions.csv and SVG plots for a model on a test table"

    public init() {}

    public func run(_ context: StepContext) async throws -> StepResult {
        let stepStarted = Date()
        let p = context.parameters
        let model = try TrainedModel.load(from: try context.existingFile(try p.string("model"), parameter: "model"))
        let features = try p.string("features")
        let table = try FeatureTable.read(from: try context.existingFile(features, parameter: "features"), displayName: features)
        guard table.rowCount > 0 else { throw StepError.invalidInput("with.features: \(features): the test table has no rows") }
        let loaded = Date()
        let predictions: Predictions
        do { predictions = try model.predict(table) } catch let error as LearnError {
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
                context.log.warning("test labels never seen in training: \(unseen.sorted().joined(separator: ", ")) — those rows count as errors")
            }
            let classes = model.classes + unseen.sorted()
            let result = ClassificationMetrics(actual: table.labels, predicted: predictions.labels, classes: classes,
                                               probabilities: predictions.probabilities, modelClasses: model.classes.count)
            metrics = result.values
            report["classes"] = classes
            report["confusion_matrix"] = result.confusion
            report["positive_class"] = ClassificationMetrics.positiveClass(of: model.classes)
            try plot("confusion_matrix.svg", SVGPlot.confusionMatrix(result.confusion, classes: classes))
            if model.classes.count == 2, let probs = predictions.probabilities {
                let pos = model.classes.firstIndex(of: ClassificationMetrics.positiveClass(of: model.classes)) ?? 1
                let curve = ClassificationMetrics.rocCurve(scores: probs.map { $0[pos] }, positives: table.labels.map { $0 == model.classes[pos] })
                if !curve.isEmpty { try plot("roc_curve.svg", SVGPlot.rocCurve(curve, auc: metrics["roc_auc"], positive: model.classes[pos])) }
            }
            csv = "id,actual,predicted" + model.classes.map { ",p_\($0)" }.joined() + "\n"
            for r in 0..<table.rowCount {
                csv += "\(table.ids[r]),\(table.labels[r]),\(predictions.labels[r])"
                csv += (predictions.probabilities?[r] ?? []).map { String(format: ",%.6f", $0) }.joined() + "\n"
            }
        } else {
            let actual = try table.labels.enumerated().map { row, label -> Double in
                guard let v = Double(label) else {
                    throw StepError.invalidInput("\(features): row \(row + 2) (id \(table.ids[row])): label '\(label)' is not a number, and the model is a regression")
                }
                return v
            }
            let values = predictions.values ?? []
            metrics = RegressionMetrics.compute(actual: actual, predicted: values)
            metrics["predictions_clipped"] = Double(predictions.clipped)
            if predictions.clipped > 0, let range = model.targetRange {
                context.log.warning("\(predictions.clipped) of \(table.rowCount) predictions fell outside the training targets' range [\(range[0]), \(range[1])] and were clipped to it")
            }
            try plot("predicted_vs_actual.svg", SVGPlot.scatter(actual: actual, predicted: values))
            csv = "id,actual,predicted\n" + (0..<table.rowCount).map { "\(table.ids[$0]),\(actual[$0]),\(values[$0])" }.joined(separator: "\n") + "\n"
        }
        if !model.featureImportances.isEmpty { try plot("feature_importances.svg", SVGPlot.featureImportances(model.featureImportances)) }
        report["metrics"] = metrics
        let metricsURL = dir.appendingPathComponent("metrics.json")
        try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]).write(to: metricsURL)
        let predictionsURL = dir.appendingPathComponent("predictions.csv")
        try csv.write(to: predictionsURL, atomically: true, encoding: .utf8)
        let done = Date()
        context.log.info(String(format: "evaluated in %.2f s: reading the model and table %.2f s, predicting %.2f s, metrics, plots and files %.2f s",
                                done.timeIntervalSince(stepStarted), loaded.timeIntervalSince(stepStarted),
                                predicted.timeIntervalSince(loaded), done.timeIntervalSince(predicted)))
        context.log.info(metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(String(format: "%.4f", $0.value))" }.joined(separator: " "))
        return StepResult(
            outputs: ["metrics": .string(metricsURL.path), "predictions": .string(predictionsURL.path), "plots": .list(plots.map(Value.string))],
            metrics: metrics)
    }
}
