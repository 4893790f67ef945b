import Foundation

extension TrainedModel {
    /// Predicts every row of `table`, whose features must be the model's (by name and order).
    /// - Parameter threads: XGBoost's threads for a tree model (the step's ``ModelConfig/threads``); nil: all cores.
    public func predict(_ table: FeatureTable, threads: Int? = nil) throws -> Predictions {
        guard table.featureNames == featureNames else {
            throw LearnError.featureMismatch(expected: featureNames, found: table.featureNames)
        }
        let n = table.rowCount
        switch modelType {
        case .linear, .logistic:
            let x = ModelTrainer.standardized(table, means: featureMeans, scales: featureScales)
            let p = featureNames.count
            let scores: [[Double]] = (0..<n).map { r in
                coefficients.enumerated().map { k, w in
                    var s = intercepts[k]
                    for c in 0..<p { s += w[c] * x[r * p + c] }
                    return s
                }
            }
            if task == .regression {
                let values = scores.map { $0[0] }
                return regression(values)
            }
            // As scikit-learn's liblinear logistic: sigmoid per class, normalized (one-vs-rest).
            let probabilities: [[Double]] = scores.map { s in
                if classes.count == 2 {
                    let p1 = 1 / (1 + exp(-s[0]))
                    return [1 - p1, p1]
                }
                let raw = s.map { 1 / (1 + exp(-$0)) }
                let total = raw.reduce(0, +)
                return raw.map { $0 / total }
            }
            return classified(probabilities)
        case .randomForest, .gradientBoosting:
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let raw = try booster(threads: threads ?? cores).predict(
                TreeEnsemble.matrix(table, rows: nil, labels: nil, threads: threads ?? cores))
            if task == .regression {
                let values = raw.map(Double.init)
                return regression(values)
            }
            let k = classes.count
            let probabilities: [[Double]] = (0..<n).map { r in
                k == 2 ? [1 - Double(raw[r]), Double(raw[r])] : (0..<k).map { Double(raw[r * k + $0]) }
            }
            return classified(probabilities)
        }
    }

    /// A model extrapolates outside the targets it saw (one test exam far out sent ridge to R² −23):
    /// values are kept within the training range, and counted.
    private func regression(_ raw: [Double]) -> Predictions {
        var values = raw, clipped = 0
        if let range = targetRange, range.count == 2 {
            for i in values.indices where values[i] < range[0] || values[i] > range[1] {
                values[i] = min(max(values[i], range[0]), range[1])
                clipped += 1
            }
        }
        return Predictions(labels: values.map { String($0) }, values: values, probabilities: nil, clipped: clipped)
    }

    /// The fitted booster, or one loaded from the model's bytes.
    func booster(threads: Int) throws -> FittedBooster {
        if let fitted { return fitted }
        let booster = try XGBoostBooster()
        if let ubj = xgboostUbj {
            try booster.load(model: ubj)
        } else if let json = xgboostModel {
            try booster.load(model: Data(json.utf8))
        } else {
            throw LearnError.badModelFile("model", "the tree model is missing")
        }
        try booster.set("nthread", "\(threads)")
        return FittedBooster(booster)
    }

    private func classified(_ probabilities: [[Double]]) -> Predictions {
        let labels = probabilities.map { row in classes[row.indices.max { row[$0] < row[$1] } ?? 0] }
        return Predictions(labels: labels, values: nil, probabilities: probabilities)
    }
}
