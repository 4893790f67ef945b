import Foundation

/// Random forests and gradient boosting through XGBoost (`tree_method=hist`).
enum TreeEnsemble {
    static func fit(
        _ model: inout TrainedModel, table: FeatureTable, targets y: [Double], config: ModelConfig, log: (String) -> Void,
        timed: (String, Double) -> Void = { _, _ in }
    ) throws {
        var clock = ContinuousClock.now
        func lap(_ name: String) {
            let now = ContinuousClock.now
            let d = now - clock
            timed(name, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
            clock = now
        }
        let p = table.columnCount
        let classCount = model.classes.count
        var trainRows = Array(0..<table.rowCount)
        var validRows: [Int] = []
        let boosting = model.modelType == .gradientBoosting
        var earlyStopping = "off"
        if boosting, config.earlyStopping {
            var rng = SplitMix64(seed: config.seed)
            var shuffled = trainRows
            shuffled.shuffle(using: &rng)
            let cut = max(1, Int(Double(table.rowCount) * config.validationFraction))
            let held = Array(shuffled.prefix(cut))
            if let refusal = validationRefusal(held, targets: y, task: model.task, classes: classCount) {
                earlyStopping = "off: \(refusal)"
                log("no early stopping: \(refusal); all \(table.rowCount) rows train for \(config.maxIter) rounds")
            } else {
                earlyStopping = "on: \(cut) validation rows"
                validRows = held
                trainRows = Array(shuffled.dropFirst(cut))
            }
        }
        var weights: [Double]?
        if config.balancedClassWeights && model.task == .classification {
            let byClass = ModelTrainer.balancedWeights(y, classes: classCount)
            weights = y.map { byClass[Int($0)] }
        }
        let train = try matrix(table, rows: trainRows, labels: y, weights: weights, threads: config.threads)
        let valid = validRows.isEmpty ? nil : try matrix(table, rows: validRows, labels: y, weights: weights, threads: config.threads)
        lap("matrix_seconds")
        let booster = try XGBoostBooster(training: [train])
        var params: [(String, String)] = [
            ("nthread", "\(config.threads)"), ("seed", "\(config.seed % UInt64(Int32.max))"),
            ("verbosity", "0"),
        ]
        switch (model.task, classCount) {
        case (.classification, 2): params += [("objective", "binary:logistic"), ("eval_metric", "logloss")]
        case (.classification, _): params += [("objective", "multi:softprob"), ("num_class", "\(classCount)"), ("eval_metric", "mlogloss")]
        case (.regression, _): params += [("objective", "reg:squarederror"), ("eval_metric", "rmse")]
        }
        var rounds: Int
        if boosting {
            params += [("tree_method", "hist"), ("eta", "\(config.learningRate)"), ("min_child_weight", "\(config.minChildWeight)")]
            if let leaves = config.maxLeafNodes {
                params += [("grow_policy", "lossguide"), ("max_leaves", "\(leaves)"), ("max_depth", "\(config.maxDepth ?? 0)")]
            } else {
                params += [("max_depth", "\(config.maxDepth ?? 6)")]
            }
            rounds = config.maxIter
        } else {
            params += ForestParameters.xgboost(config, task: model.task, classes: classCount, columns: p)
            rounds = 1
        }
        for (name, value) in params { try booster.set(name, value) }
        var best = (score: Double.infinity, round: 0)
        var round = 0
        while round < rounds {
            try booster.updateOneIteration(round, train)
            if let valid {
                let text = try booster.evaluate(round, valid, name: "valid")
                if let score = text.split(separator: ":").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) {
                    if score < best.score - 1e-12 {
                        best = (score, round)
                    } else if round - best.round >= 10 {
                        log(
                            "early stopping at round \(round + 1): no improvement on the validation split for 10 rounds (best \(best.score) at round \(best.round + 1))"
                        )
                        round += 1
                        break
                    }
                }
            }
            round += 1
        }
        lap("fit_seconds")
        model.xgboostUbj = try booster.modelUBJ()
        model.fitted = FittedBooster(booster)
        var importance = [Double](repeating: 0, count: p)
        for (index, gain) in try booster.featureImportance() where index < p { importance[index] = gain }
        model.featureImportances = ModelTrainer.normalized(importance, names: table.featureNames)
        var recorded = ["rounds": "\(round)"]
        if !boosting { recorded["min_samples_leaf"] = "\(config.minSamplesLeaf)" } else { recorded["early_stopping"] = earlyStopping }
        if weights != nil { recorded["class_weight"] = "balanced" }
        model.hyperparameters = Dictionary(uniqueKeysWithValues: params).merging(recorded) { a, _ in a }
        lap("export_seconds")
        log(
            "\(model.modelType.rawValue): \(boosting ? "\(round) boosting rounds" : "\(config.nEstimators) trees") on \(trainRows.count) rows × \(p) features"
        )
    }

    /// Early stopping on a handful of rows stops on noise (a 4-row validation set ended boosting
    /// after a dozen rounds): the validation split needs ``minimumValidationRows`` rows and, for a
    /// classification, every class. Returns why a split is refused, or nil.
    static func validationRefusal(_ rows: [Int], targets y: [Double], task: LearningTask, classes: Int) -> String? {
        if rows.count < minimumValidationRows {
            return "the validation split would have \(rows.count) row\(rows.count == 1 ? "" : "s"), fewer than \(minimumValidationRows)"
        }
        if task == .classification {
            let present = Set(rows.map { Int(y[$0]) })
            if present.count < classes {
                return "the validation split of \(rows.count) rows would miss \(classes - present.count) of the \(classes) classes"
            }
        }
        return nil
    }

    /// The fewest validation rows early stopping listens to.
    static let minimumValidationRows = 20

    static func columnFraction(_ maxFeatures: String?, task: LearningTask, columns p: Int) -> Double {
        let spec = maxFeatures ?? (task == .classification ? "sqrt" : "all")
        let count: Double
        switch spec {
        case "sqrt": count = Double(p).squareRoot()
        case "log2": count = log2(Double(max(p, 2)))
        case "all", "none": return 1
        default:
            guard let f = Double(spec) else { return 1 }
            return min(1, max(f <= 1 ? f : f / Double(p), 1 / Double(p)))
        }
        return min(1, max(count.rounded(.down), 1) / Double(p))
    }

    /// One contiguous Float32 matrix of the chosen rows.
    static func matrix(
        _ table: FeatureTable, rows: [Int]?, labels: [Double]?, weights: [Double]? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> XGBoostMatrix {
        let p = table.columnCount
        let indices = rows ?? Array(0..<table.rowCount)
        var values = [Float](repeating: .nan, count: indices.count * p)
        table.values.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                for (r, row) in indices.enumerated() {
                    for c in 0..<p { target[r * p + c] = Float(source[row * p + c]) }
                }
            }
        }
        return try XGBoostMatrix(
            values: values, rows: indices.count, columns: p, labels: labels.map { l in indices.map { Float(l[$0]) } },
            weights: weights.map { w in indices.map { Float(w[$0]) } }, threads: threads)
    }
}
