import FlowSpec
import Foundation
import Learn

/// Fits a model on a feature table: ridge (LAPACK), logistic (liblinear), random forest and
/// gradient boosting (XGBoost).
public struct TrainStep: Step {
    public static let name = "train"
    public static let summary = "fit linear | logistic | random_forest | gradient_boosting on a feature table"
    /// A forest or boosting fit keeps every core busy (XGBoost's `nthread` = ``StepContext/threads``).
    public static let slots = StepSlots.allCores

    public init() {}

    public func run(_ context: StepContext) async throws -> StepResult {
        let p = context.parameters
        let typeText = try p.string("model_type", default: "random_forest")
        guard let type = ModelType(rawValue: typeText) else {
            throw StepError.badParameter(
                "model_type", expected: "one of \(ModelType.allCases.map(\.rawValue).joined(separator: ", "))", got: .string(typeText))
        }
        var config = ModelConfig(type: type)
        config.task = try PreprocessStep.task(p)
        config.alpha = try p.double("alpha", default: 1)
        config.C = try p.double("C", default: 1)
        config.nEstimators = try p.int("n_estimators", default: 100)
        config.maxDepth = p["max_depth"] == nil || p["max_depth"] == .null ? nil : try p.int("max_depth")
        try Self.leafSize(p, type: type, into: &config)
        config.bootstrap = try p.bool("bootstrap", default: true)
        config.maxSamples = p["max_samples"] == nil ? nil : try p.double("max_samples")
        if let f = config.maxSamples, !(f > 0 && f <= 1) {
            throw StepError.badParameter("max_samples", expected: "a fraction of the rows in (0, 1]", got: p["max_samples"]!)
        }
        config.maxFeatures = p["max_features"] == nil ? nil : try p.string("max_features")
        config.learningRate = try p.double("learning_rate", default: 0.1)
        config.maxIter = try p.int("max_iter", default: 100)
        config.maxLeafNodes = p["max_leaf_nodes"] == nil ? nil : try p.int("max_leaf_nodes")
        config.earlyStopping = try p.bool("early_stopping", default: true)
        config.validationFraction = try p.double("validation_fraction", default: 0.1)
        config.seed = UInt64(max(0, try p.int("seed", default: 42)))
        config.threads = context.threads
        // nil: auto, decided by the table's rows once it is read.
        var requestedFolds: Int?
        if let given = p["threshold_folds"], given != .null, given != .string("auto") {
            guard let folds = try? p.int("threshold_folds"), folds == 0 || folds >= 2 else {
                throw StepError.badParameter("threshold_folds", expected: "auto, 0 (no threshold search) or an integer ≥ 2", got: given)
            }
            requestedFolds = folds
        }
        switch try p.string("class_weight", default: "none") {
        case "none", "": config.balancedClassWeights = false
        case "balanced": config.balancedClassWeights = true
        default: throw StepError.badParameter("class_weight", expected: "none or balanced", got: p["class_weight"]!)
        }
        for (name, value, least) in [
            ("n_estimators", config.nEstimators, 1), ("max_depth", config.maxDepth ?? 1, 1),
            ("max_leaf_nodes", config.maxLeafNodes ?? 2, 2),
        ] where value < least {
            throw StepError.badParameter(name, expected: "an integer ≥ \(least)", got: p[name]!)
        }

        let stepStarted = Date()
        let features = try p.string("features")
        // A line before the read: a large table takes seconds, and an empty log looks like a hang.
        context.log.info("reading \(features)")
        let table = try FeatureTable.read(from: try context.existingFile(features, parameter: "features"), displayName: features)
        context.log.info("training \(type.rawValue) on \(table.rowCount) rows × \(table.columnCount) features, \(config.threads) thread(s)")
        let started = Date()
        var parts: [String: Double] = ["read_seconds": started.timeIntervalSince(stepStarted)]
        var model: TrainedModel
        do {
            model = try ModelTrainer.train(table, config: config, log: { context.log.info($0) }, timed: { parts[$0] = $1 })
        } catch let error as LearnError {
            // The trainer's messages name rows and ids; say which file they are in.
            throw error.isPermanent ? StepError.invalidInput("\(features): \(error)") : StepError.failed("\(features): \(error)")
        }
        let seconds = Date().timeIntervalSince(started)
        try context.checkCancellation()
        let thresholdFolds = requestedFolds ?? DecisionThreshold.autoFolds(rows: table.rowCount)
        if requestedFolds == nil, thresholdFolds == 0, model.task == .classification, model.classes.count == 2 {
            context.log.info(
                "no decision threshold search: \(table.rowCount) training rows is over \(DecisionThreshold.autoMaxRows) "
                    + "(threshold_folds: auto); threshold_folds: 3 searches with 3 more fits on 2/3 of the rows each")
        }
        if thresholdFolds > 0, model.task == .classification, model.classes.count == 2 {
            let lap = Date()
            model.decisionThreshold = try ModelTrainer.decisionThreshold(
                table, model: model, config: config, folds: thresholdFolds,
                log: { context.log.info($0) })
            parts["threshold_seconds"] = Date().timeIntervalSince(lap)
            if let t = model.decisionThreshold {
                context.log.info(
                    String(
                        format: "decision threshold %.4f for '%@': out-of-fold F1 %.4f over %d folds of the training rows (%.4f at 0.5)",
                        t.value, t.positiveClass, t.outOfFoldF1, t.folds, t.outOfFoldF1AtHalf))
            }
            try context.checkCancellation()
        }
        let modelURL = context.artifactDirectory.appendingPathComponent("model.json")
        var lap = Date()
        try model.save(to: modelURL)
        parts["save_seconds"] = Date().timeIntervalSince(lap)
        var metrics: [String: Double] = [
            "train_seconds": seconds, "train_rows": Double(table.rowCount), "features": Double(table.columnCount),
        ]
        if model.modelType == .randomForest {
            // A forest fits its own rows by construction (leaves of min_samples_leaf rows): its
            // train accuracy says little, and predicting every train row through deep trees took
            // 20 s after a 44 s fit on 160,000 rows. evaluate's test metrics are the measure.
            context.log.info("no train_accuracy for a random forest: it fits its training rows by construction; see evaluate")
        } else {
            lap = Date()
            let fit = try model.predict(table, threads: config.threads)
            parts["train_predict_seconds"] = Date().timeIntervalSince(lap)
            if model.task == .classification {
                metrics["train_accuracy"] = Double(zip(fit.labels, table.labels).filter { $0 == $1 }.count) / Double(table.rowCount)
            } else if let values = fit.values {
                metrics["train_r2"] = RegressionMetrics.compute(actual: table.labels.compactMap(Double.init), predicted: values)["r2"]
            }
        }
        if let t = model.decisionThreshold {
            metrics["threshold"] = t.value
            metrics["threshold_oof_f1"] = t.outOfFoldF1
            metrics["threshold_oof_f1_at_0.5"] = t.outOfFoldF1AtHalf
        }
        metrics.merge(parts) { a, _ in a }
        metrics["step_seconds"] = Date().timeIntervalSince(stepStarted)
        let top = model.featureImportances.sorted { $0.value > $1.value }.prefix(5).map { "\($0.key) \(String(format: "%.3f", $0.value))" }
        context.log.info("trained in \(String(format: "%.2f", seconds)) s; top features: \(top.joined(separator: ", "))")
        var outputs: [String: Value] = [
            "model": .string(modelURL.path), "task": .string(model.task.rawValue),
            "classes": .list(model.classes.map(Value.string)),
        ]
        if let t = model.decisionThreshold { outputs["threshold"] = .number(t.value) }
        return StepResult(outputs: outputs, metrics: metrics)
    }

    /// A forest's leaves are bounded in rows (`min_samples_leaf`, scikit-learn's name); gradient
    /// boosting's by XGBoost's `min_child_weight`, a sum of hessians that is a row count only for a
    /// regression. Each name is refused where it would not mean what it says.
    static func leafSize(_ p: Parameters, type: ModelType, into config: inout ModelConfig) throws {
        switch type {
        case .randomForest:
            if p["min_child_weight"] != nil {
                throw StepError.invalidInput("with.min_child_weight: a random forest's leaf size is min_samples_leaf, in rows")
            }
            config.minSamplesLeaf = try p.int("min_samples_leaf", default: 1)
            guard config.minSamplesLeaf >= 1 else {
                throw StepError.badParameter("min_samples_leaf", expected: "an integer ≥ 1 (rows)", got: p["min_samples_leaf"]!)
            }
        case .gradientBoosting:
            if p["min_samples_leaf"] != nil {
                throw StepError.invalidInput(
                    "with.min_samples_leaf: gradient boosting bounds leaves by min_child_weight, XGBoost's sum of hessians (rows only for a regression), not by rows: set min_child_weight"
                )
            }
            config.minChildWeight = try p.double("min_child_weight", default: 1)
            guard config.minChildWeight >= 0 else {
                throw StepError.badParameter("min_child_weight", expected: "a number ≥ 0", got: p["min_child_weight"]!)
            }
        case .linear, .logistic:
            break
        }
    }
}
