import FlowSpec
import Foundation
import Learn

/// Fits a model on a feature table: ridge (LAPACK), logistic (liblinear), random forest and
/// gradient boosting (XGBoost).
public struct TrainStep: Step {
    public static let name = "train"
    public static let summary = "fit linear | logistic | random_forest | gradient_boosting on a feature table"

    public init() {}

    public func run(_ context: StepContext) async throws -> StepResult {
        let p = context.parameters
        let typeText = try p.string("model_type", default: "random_forest")
        guard let type = ModelType(rawValue: typeText) else {
            throw StepError.badParameter("model_type", expected: "one of \(ModelType.allCases.map(\.rawValue).joined(separator: ", "))", got: .string(typeText))
        }
        var config = ModelConfig(type: type)
        config.task = try PreprocessStep.task(p)
        config.alpha = try p.double("alpha", default: 1)
        config.C = try p.double("C", default: 1)
        config.nEstimators = try p.int("n_estimators", default: 100)
        config.maxDepth = p["max_depth"] == nil ? nil : try p.int("max_depth")
        config.minSamplesLeaf = try p.int("min_samples_leaf", default: 1)
        config.maxFeatures = p["max_features"] == nil ? nil : try p.string("max_features")
        config.learningRate = try p.double("learning_rate", default: 0.1)
        config.maxIter = try p.int("max_iter", default: 100)
        config.maxLeafNodes = p["max_leaf_nodes"] == nil ? nil : try p.int("max_leaf_nodes")
        config.earlyStopping = try p.bool("early_stopping", default: true)
        config.validationFraction = try p.double("validation_fraction", default: 0.1)
        config.seed = UInt64(max(0, try p.int("seed", default: 42)))

        let features = try p.string("features")
        let table = try FeatureTable.read(from: try context.existingFile(features, parameter: "features"), displayName: features)
        context.log.info("training \(type.rawValue) on \(table.rowCount) rows × \(table.columnCount) features")
        let started = Date()
        let model: TrainedModel
        do {
            model = try ModelTrainer.train(table, config: config) { context.log.info($0) }
        } catch let error as LearnError {
            // The trainer's messages name rows and ids; say which file they are in.
            throw error.isPermanent ? StepError.invalidInput("\(features): \(error)") : StepError.failed("\(features): \(error)")
        }
        let seconds = Date().timeIntervalSince(started)
        try context.checkCancellation()
        let modelURL = context.artifactDirectory.appendingPathComponent("model.json")
        try model.save(to: modelURL)
        let fit = try model.predict(table)
        var metrics: [String: Double] = ["train_seconds": seconds, "train_rows": Double(table.rowCount), "features": Double(table.columnCount)]
        if model.task == .classification {
            metrics["train_accuracy"] = Double(zip(fit.labels, table.labels).filter { $0 == $1 }.count) / Double(table.rowCount)
        } else if let values = fit.values {
            metrics["train_r2"] = RegressionMetrics.compute(actual: table.labels.compactMap(Double.init), predicted: values)["r2"]
        }
        let top = model.featureImportances.sorted { $0.value > $1.value }.prefix(5).map { "\($0.key) \(String(format: "%.3f", $0.value))" }
        context.log.info("trained in \(String(format: "%.2f", seconds)) s; top features: \(top.joined(separator: ", "))")
        return StepResult(
            outputs: ["model": .string(modelURL.path), "task": .string(model.task.rawValue),
                      "classes": .list(model.classes.map(Value.string))],
            metrics: metrics)
    }
}
