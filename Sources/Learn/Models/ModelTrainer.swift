import Foundation

/// Fits a ``TrainedModel`` on a ``FeatureTable`` with the solver each model type binds.
public enum ModelTrainer {
    /// Decides the task from the labels: text or integers are classes (ids, however many), and only
    /// numbers with a fractional part make a regression target.
    public static func inferTask(_ labels: [String]) -> LearningTask {
        var integral = true
        for label in Set(labels) {
            guard let v = Double(label.trimmingCharacters(in: .whitespaces)) else { return .classification }
            if v.rounded() != v { integral = false }
        }
        return integral ? .classification : .regression
    }

    /// The task given, or the one inferred, with the reason in words for the log
    /// (`set by task`, or `task auto: <why>`).
    public static func task(_ given: LearningTask?, labels: [String]) -> (task: LearningTask, reason: String) {
        if let given { return (given, "set by task") }
        let task = inferTask(labels)
        let distinct = Set(labels).count
        let numeric = labels.allSatisfy { Double($0.trimmingCharacters(in: .whitespaces)) != nil }
        let why =
            switch (task, numeric) {
            case (.regression, _): "labels are numbers with fractions"
            case (.classification, true): "\(distinct) distinct labels, all integers: class ids"
            case (.classification, false): "\(distinct) distinct labels, text"
            }
        return (task, "task auto: \(why)")
    }

    /// scikit-learn's balanced class weights, `n / (k · n_c)`, by class index.
    static func balancedWeights(_ y: [Double], classes k: Int) -> [Double] {
        var counts = [Int](repeating: 0, count: k)
        for label in y { counts[Int(label)] += 1 }
        return counts.map { $0 > 0 ? Double(y.count) / (Double(k) * Double($0)) : 1 }
    }

    /// Sorted class labels: numerically when all are numbers.
    static func classes(_ labels: [String]) -> [String] {
        let distinct = Array(Set(labels))
        if distinct.allSatisfy({ Double($0) != nil }) { return distinct.sorted { Double($0)! < Double($1)! } }
        return distinct.sorted()
    }

    /// Errors about a row number it as the table's file does (``FeatureTable/write(to:)``: the
    /// header is row 1, so table row 0 is row 2) and name its id.
    /// - Parameter timed: receives the seconds of the parts of a tree fit (`matrix_seconds`, `fit_seconds`, `export_seconds`).
    public static func train(
        _ table: FeatureTable, config: ModelConfig, log: (String) -> Void = { _ in },
        timed: (String, Double) -> Void = { _, _ in }
    ) throws -> TrainedModel {
        guard table.rowCount > 1 else { throw LearnError.badData("training needs at least 2 rows, got \(table.rowCount)") }
        guard table.columnCount > 0 else { throw LearnError.badData("training needs at least one feature column") }
        let labelled = table.labels.allSatisfy { !$0.isEmpty }
        guard labelled else {
            let row = table.labels.firstIndex(of: "") ?? 0
            throw LearnError.badData("row \(row + 2) (id \(table.ids[row])): missing label")
        }
        let (task, reason) = Self.task(config.task, labels: table.labels)
        log("task: \(task.rawValue) (\(reason)\(config.task == nil ? "; set task to override" : ""))")
        var type = config.type
        if task == .classification && type == .linear {
            log("model_type linear on a classification target: fitting logistic regression instead")
            type = .logistic
        }
        if task == .regression && type == .logistic {
            throw LearnError.badData(
                "model_type logistic needs a classification target, but the task is regression (\(reason)); use model_type linear, random_forest or gradient_boosting, or, if the labels are classes, set task to classification (the exam pipeline's param task, or the train step's with.task)"
            )
        }
        var classes: [String] = []
        var y: [Double] = []
        if task == .classification {
            classes = Self.classes(table.labels)
            guard classes.count >= 2 else {
                throw LearnError.badData(
                    "only one class ('\(classes.first ?? "")') in the training labels: a classifier needs at least two")
            }
            if classes.count > 50 && table.labels.allSatisfy({ Double($0) != nil }) {
                log(
                    "warning: \(classes.count) classes for \(table.rowCount) rows: if the labels are quantities rather than class ids, set task to regression"
                )
            }
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            y = table.labels.map { Double(index[$0]!) }
        } else {
            for (row, label) in table.labels.enumerated() {
                guard let v = Double(label), v.isFinite else {
                    throw LearnError.badData(
                        "row \(row + 2) (id \(table.ids[row])): label '\(label)' is not a number, and the task is regression")
                }
                y.append(v)
            }
        }
        let means = columnMeans(table)
        var model = TrainedModel(
            modelType: type, task: task, featureNames: table.featureNames, classes: classes, featureMeans: means,
            featureScales: [], coefficients: [], intercepts: [], xgboostUbj: nil, xgboostModel: nil, featureImportances: [:],
            hyperparameters: [:], trainingRows: table.rowCount)
        if task == .regression, let low = y.min(), let high = y.max() { model.targetRange = [low, high] }

        switch type {
        case .linear, .logistic:
            let scales = columnScales(table, means: means)
            let x = standardized(table, means: means, scales: scales)
            model.featureScales = scales
            if type == .linear {
                let fit = try RidgeSolver.fit(rows: x, columns: table.columnCount, targets: y, alpha: config.alpha)
                model.coefficients = [fit.coefficients]
                model.intercepts = [fit.intercept]
                model.hyperparameters = ["alpha": "\(config.alpha)"]
            } else {
                let classWeights = config.balancedClassWeights ? Self.balancedWeights(y, classes: classes.count) : nil
                let fit = try LiblinearModel(
                    rows: x, columns: table.columnCount, labels: y.map { Int($0) }, C: config.C, classWeights: classWeights)
                let (weights, intercepts) = fit.coefficients(columns: table.columnCount)
                // liblinear orders classes by first appearance; put rows in our class order.
                let order = fit.labelOrder
                if classes.count == 2 {
                    // One decision function for liblinear's first label: flip it to mean "class 1".
                    let sign = order.first == 1 ? 1.0 : -1.0
                    model.coefficients = [weights[0].map { $0 * sign }]
                    model.intercepts = [intercepts[0] * sign]
                } else {
                    var byClass = [[Double]](repeating: [], count: classes.count)
                    var interceptByClass = [Double](repeating: 0, count: classes.count)
                    for (k, label) in order.enumerated() {
                        byClass[label] = weights[k]
                        interceptByClass[label] = intercepts[k]
                    }
                    model.coefficients = byClass
                    model.intercepts = interceptByClass
                }
                model.hyperparameters = ["C": "\(config.C)", "solver": "liblinear"]
                if config.balancedClassWeights { model.hyperparameters["class_weight"] = "balanced" }
            }
            var importance = [Double](repeating: 0, count: table.columnCount)
            for row in model.coefficients { for (i, w) in row.enumerated() { importance[i] += abs(w) } }
            model.featureImportances = normalized(importance, names: table.featureNames)
        case .randomForest, .gradientBoosting:
            try TreeEnsemble.fit(&model, table: table, targets: y, config: config, log: log, timed: timed)
        }
        return model
    }

    static func columnMeans(_ t: FeatureTable) -> [Double] {
        let p = t.columnCount
        var sums = [Double](repeating: 0, count: p)
        var counts = [Int](repeating: 0, count: p)
        t.values.withUnsafeBufferPointer { v in
            for r in 0..<t.rowCount {
                for c in 0..<p where !v[r * p + c].isNaN {
                    sums[c] += v[r * p + c]
                    counts[c] += 1
                }
            }
        }
        return (0..<p).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : 0 }
    }

    static func columnScales(_ t: FeatureTable, means: [Double]) -> [Double] {
        let p = t.columnCount
        var sums = [Double](repeating: 0, count: p)
        for r in 0..<t.rowCount {
            for c in 0..<p {
                let v = t.values[r * p + c]
                let d = (v.isNaN ? means[c] : v) - means[c]
                sums[c] += d * d
            }
        }
        return sums.map { s in
            let sd = (s / Double(t.rowCount)).squareRoot()
            return sd > 1e-12 ? sd : 1
        }
    }

    /// Missing values become the training mean; then (x - mean) / scale.
    static func standardized(_ t: FeatureTable, means: [Double], scales: [Double]) -> [Double] {
        let p = t.columnCount
        var out = [Double](repeating: 0, count: t.values.count)
        for r in 0..<t.rowCount {
            for c in 0..<p {
                let v = t.values[r * p + c]
                out[r * p + c] = ((v.isNaN ? means[c] : v) - means[c]) / scales[c]
            }
        }
        return out
    }

    static func normalized(_ values: [Double], names: [String]) -> [String: Double] {
        let total = values.reduce(0, +)
        guard total > 0 else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(names, values.map { $0 / total }))
    }
}
