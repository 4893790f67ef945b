import Foundation

/// A binary classifier's decision threshold chosen for F1: the probability of the positive class
/// above which a row is called positive, chosen on out-of-fold predictions of the training rows.
///
/// 0.5 suits balanced classes; with a rare positive class the best F1 is often at a lower
/// threshold (a 1-in-9 label: precision 1.0, recall 0.71 at 0.5 though ROC AUC was 0.996). The
/// choice is made on the training rows only, each predicted by a model that did not see it (k-fold),
/// so the test set stays unseen; evaluate reports the test metrics at both thresholds.
public struct DecisionThreshold: Codable, Sendable, Equatable {
    /// A row is positive when its positive-class probability is ≥ this.
    public var value: Double
    public var positiveClass: String
    /// Folds the training rows were predicted in.
    public var folds: Int
    /// The positive class's F1 on the out-of-fold predictions, at ``value`` and at 0.5.
    public var outOfFoldF1: Double
    public var outOfFoldF1AtHalf: Double

    public init(value: Double, positiveClass: String, folds: Int, outOfFoldF1: Double, outOfFoldF1AtHalf: Double) {
        self.value = value
        self.positiveClass = positiveClass
        self.folds = folds
        self.outOfFoldF1 = outOfFoldF1
        self.outOfFoldF1AtHalf = outOfFoldF1AtHalf
    }

    /// The number of folds `threshold_folds: auto` (the default) searches with.
    public static let defaultFolds = 5

    /// `auto` searches only up to this many training rows. The search is `defaultFolds` more fits on
    /// 4/5 of the rows each, about 3 times the fit at any size: under 0.6 s on the sample data (300
    /// rows) with any model, but 285 s after a 92 s fit for a 100-tree forest on 160,000 × 40, for
    /// +0.009 F1 on that balanced set (docs/steps.md, "The decision threshold").
    public static let autoMaxRows = 20_000

    /// Folds for `threshold_folds: auto` on `rows` training rows: ``defaultFolds``, or 0 (no
    /// search) above ``autoMaxRows``.
    public static func autoFolds(rows: Int) -> Int {
        rows <= autoMaxRows ? defaultFolds : 0
    }

    /// Folds for `requested` when the smaller class has `smallestClass` rows: each fold must hold
    /// out at least one row of each class and leave one of each to fit on, so at most
    /// `smallestClass` folds; nil when fewer than 2 are possible.
    public static func folds(requested: Int, smallestClass: Int) -> Int? {
        let k = min(requested, smallestClass)
        return k >= 2 ? k : nil
    }

    /// Fold of each row: the rows of each class, shuffled with `seed`, dealt to the folds in turn
    /// (stratified, as scikit-learn's `StratifiedKFold(shuffle=True)`).
    static func foldOfRow(classIndex: [Int], folds k: Int, seed: UInt64) -> [Int] {
        var fold = [Int](repeating: 0, count: classIndex.count)
        var rng = SplitMix64(seed: seed)
        var next = 0
        for c in Set(classIndex).sorted() {
            var rows = classIndex.indices.filter { classIndex[$0] == c }
            rows.shuffle(using: &rng)
            for row in rows {
                fold[row] = next % k
                next += 1
            }
        }
        return fold
    }

    /// The positive class's F1 when rows with `scores` ≥ `threshold` are called positive.
    public static func f1(scores: [Double], positives: [Bool], threshold: Double) -> Double {
        var tp = 0, fp = 0, fn = 0
        for (s, p) in zip(scores, positives) {
            switch (s >= threshold, p) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, true): fn += 1
            case (false, false): break
            }
        }
        return tp == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn)
    }

    /// The threshold with the highest F1 over the scores: half-way between two neighbouring distinct
    /// scores (so a nearby score on new rows falls the same way as its neighbour). Among equal F1s,
    /// the one nearest 0.5.
    public static func bestF1(scores: [Double], positives: [Bool]) -> (threshold: Double, f1: Double) {
        let totalPositives = positives.filter { $0 }.count
        guard totalPositives > 0 else { return (0.5, 0) }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var best = (threshold: 0.5, f1: -1.0)
        var tp = 0, fp = 0
        for (k, i) in order.enumerated() {
            if positives[i] { tp += 1 } else { fp += 1 }
            // Only where the next score differs: rows with the same score fall together.
            guard k + 1 == order.count || scores[order[k + 1]] != scores[i] else { continue }
            let lower = k + 1 == order.count ? 0 : scores[order[k + 1]]
            let threshold = (scores[i] + lower) / 2
            let f1 = 2 * Double(tp) / Double(2 * tp + fp + (totalPositives - tp))
            if f1 > best.f1 + 1e-12 || (abs(f1 - best.f1) <= 1e-12 && abs(threshold - 0.5) < abs(best.threshold - 0.5)) {
                best = (threshold, f1)
            }
        }
        return best
    }
}

extension ModelTrainer {
    /// Chooses ``DecisionThreshold`` for a binary classifier: `folds` models of `config` are each
    /// fitted without one fold of the training rows and predict it; the threshold maximises F1 on
    /// those out-of-fold probabilities. Nil (with the reason in `log`) when the task is not a binary
    /// classification or a class is too small for two folds.
    public static func decisionThreshold(
        _ table: FeatureTable, model: TrainedModel, config: ModelConfig, folds requested: Int,
        log: (String) -> Void = { _ in }
    ) throws -> DecisionThreshold? {
        guard model.task == .classification, model.classes.count == 2 else { return nil }
        let positive = ClassificationMetrics.positiveClass(of: model.classes)
        let index = Dictionary(uniqueKeysWithValues: model.classes.enumerated().map { ($1, $0) })
        let classIndex = table.labels.map { index[$0]! }
        let smallest = (0..<2).map { c in classIndex.filter { $0 == c }.count }.min()!
        guard let k = DecisionThreshold.folds(requested: requested, smallestClass: smallest) else {
            log("no decision threshold: the smaller class has \(smallest) row(s), too few for two folds; predictions use 0.5")
            return nil
        }
        if k < requested { log("decision threshold over \(k) folds instead of \(requested): the smaller class has \(smallest) rows") }
        var foldConfig = config
        foldConfig.type = model.modelType
        foldConfig.task = .classification
        let fold = DecisionThreshold.foldOfRow(classIndex: classIndex, folds: k, seed: config.seed)
        var scores = [Double](repeating: 0, count: table.rowCount)
        for f in 0..<k {
            let held = fold.indices.filter { fold[$0] == f }, kept = fold.indices.filter { fold[$0] != f }
            let fitted = try train(table.rows(kept), config: foldConfig)
            let probabilities = try fitted.predict(table.rows(held), threads: config.threads).probabilities ?? []
            let column = fitted.classes.firstIndex(of: positive) ?? 1
            for (row, p) in zip(held, probabilities) { scores[row] = p[column] }
        }
        let positives = table.labels.map { $0 == positive }
        let best = DecisionThreshold.bestF1(scores: scores, positives: positives)
        return DecisionThreshold(
            value: best.threshold, positiveClass: positive, folds: k, outOfFoldF1: best.f1,
            outOfFoldF1AtHalf: DecisionThreshold.f1(scores: scores, positives: positives, threshold: 0.5))
    }
}
