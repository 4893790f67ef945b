import Foundation

/// Classification metrics with scikit-learn's definitions.
public struct ClassificationMetrics: Sendable, Codable {
    public var classes: [String]
    /// `confusion[i][j]`: rows with true class i predicted as j.
    public var confusion: [[Int]]
    public var values: [String: Double]

    /// - Parameters:
    ///   - classes: the model's classes, then any test labels the model never saw in training.
    ///   - probabilities: per row, one per model class in `classes` order; enables ROC AUC and log loss.
    ///   - positive: the positive class for binary precision/recall/F1 (see ``positiveClass(of:)``).
    ///   - modelClasses: how many of `classes` (the first ones) the model knows; nil: all of them.
    ///     The others count as errors wherever they occur: a binary model's metrics stay binary
    ///     (on its positive class), and the model's probabilities for the true class of such a row
    ///     are 0 in log loss. ROC AUC averages over the model's classes only, with those rows
    ///     among the negatives: the model gives no score for a class it never saw.
    public init(
        actual: [String], predicted: [String], classes: [String], probabilities: [[Double]]?, positive: String? = nil,
        modelClasses: Int? = nil
    ) {
        self.classes = classes
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let k = classes.count
        let known = min(modelClasses ?? k, k)
        let positiveIndex = index[positive ?? Self.positiveClass(of: Array(classes.prefix(known)))] ?? 1
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for (a, p) in zip(actual, predicted) {
            if let i = index[a], let j = index[p] { confusion[i][j] += 1 }
        }
        self.confusion = confusion
        let n = Double(actual.count)
        var values: [String: Double] = [:]
        values["accuracy"] = Double((0..<k).reduce(0) { $0 + confusion[$1][$1] }) / max(n, 1)
        let support = (0..<k).map { i in confusion[i].reduce(0, +) }
        let predictedCount = (0..<k).map { j in (0..<k).reduce(0) { $0 + confusion[$1][j] } }
        let precision = (0..<k).map { predictedCount[$0] > 0 ? Double(confusion[$0][$0]) / Double(predictedCount[$0]) : 0 }
        let recall = (0..<k).map { support[$0] > 0 ? Double(confusion[$0][$0]) / Double(support[$0]) : 0 }
        let f1 = (0..<k).map { precision[$0] + recall[$0] > 0 ? 2 * precision[$0] * recall[$0] / (precision[$0] + recall[$0]) : 0 }
        let present = (0..<k).filter { support[$0] > 0 }
        values["balanced_accuracy"] = present.isEmpty ? 0 : present.reduce(0) { $0 + recall[$1] } / Double(present.count)
        if known == 2 {
            values["precision"] = precision[positiveIndex]
            values["recall"] = recall[positiveIndex]
            values["f1"] = f1[positiveIndex]
        } else {
            values["precision_macro"] = precision.reduce(0, +) / Double(k)
            values["recall_macro"] = recall.reduce(0, +) / Double(k)
            values["f1_macro"] = f1.reduce(0, +) / Double(k)
            let total = Double(support.reduce(0, +))
            values["f1_weighted"] = total > 0 ? (0..<k).reduce(0) { $0 + f1[$1] * Double(support[$1]) } / total : 0
            values["precision_weighted"] = total > 0 ? (0..<k).reduce(0) { $0 + precision[$1] * Double(support[$1]) } / total : 0
            values["recall_weighted"] = total > 0 ? (0..<k).reduce(0) { $0 + recall[$1] * Double(support[$1]) } / total : 0
            values["f1"] = values["f1_macro"]
        }
        if let probabilities, probabilities.count == actual.count, !actual.isEmpty,
            probabilities.allSatisfy({ $0.count >= known })
        {
            let truth = actual.map { index[$0] ?? -1 }
            var loss = 0.0
            for (row, t) in truth.enumerated() where t >= 0 {
                // As scikit-learn's log_loss: clipped to [eps, 1 - eps], not renormalized (XGBoost's
                // float32 probabilities miss a sum of 1 by ~1e-7; scikit-learn uses them as they are).
                let p = min(max(t < known ? probabilities[row][t] : 0, Double.ulpOfOne), 1 - Double.ulpOfOne)
                loss -= log(p)
            }
            values["log_loss"] = loss / n
            if known == 2 {
                let pos = positiveIndex
                if let auc = Self.rocAUC(scores: probabilities.map { $0[pos] }, positives: truth.map { $0 == pos }) {
                    values["roc_auc"] = auc
                }
            } else {
                let aucs = (0..<known).compactMap { c in Self.rocAUC(scores: probabilities.map { $0[c] }, positives: truth.map { $0 == c })
                }
                if aucs.count == known { values["roc_auc"] = aucs.reduce(0, +) / Double(known) }
            }
        }
        self.values = values
    }

    /// The class binary metrics report on: `fail` when the classes are pass/fail (finding failing
    /// exams is the point), else the second class in sorted order (scikit-learn's `1` for 0/1 labels).
    public static func positiveClass(of classes: [String]) -> String {
        if Set(classes.map { $0.lowercased() }) == ["pass", "fail"] { return classes.first { $0.lowercased() == "fail" }! }
        return classes.count > 1 ? classes[1] : classes.first ?? ""
    }

    /// Area under the ROC curve by the rank statistic (ties count half), as `roc_auc_score`.
    /// Nil when only one class is present.
    public static func rocAUC(scores: [Double], positives: [Bool]) -> Double? {
        let nPos = positives.filter { $0 }.count
        let nNeg = positives.count - nPos
        guard nPos > 0, nNeg > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for m in i...j { ranks[order[m]] = rank }
            i = j + 1
        }
        let sumPos = zip(ranks, positives).reduce(0) { $0 + ($1.1 ? $1.0 : 0) }
        return (sumPos - Double(nPos) * Double(nPos + 1) / 2) / (Double(nPos) * Double(nNeg))
    }

    /// Points of the ROC curve (false positive rate, true positive rate) for a plot.
    public static func rocCurve(scores: [Double], positives: [Bool]) -> [(Double, Double)] {
        let nPos = Double(positives.filter { $0 }.count), nNeg = Double(positives.count) - nPos
        guard nPos > 0, nNeg > 0 else { return [] }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var points = [(0.0, 0.0)]
        var tp = 0.0, fp = 0.0
        for (k, i) in order.enumerated() {
            if positives[i] { tp += 1 } else { fp += 1 }
            if k + 1 == order.count || scores[order[k + 1]] != scores[i] { points.append((fp / nNeg, tp / nPos)) }
        }
        return points
    }
}

/// Regression metrics with scikit-learn's definitions.
public enum RegressionMetrics {
    public static func compute(actual: [Double], predicted: [Double]) -> [String: Double] {
        let n = Double(actual.count)
        guard n > 0 else { return [:] }
        var absSum = 0.0, sqSum = 0.0, apeSum = 0.0
        for (a, p) in zip(actual, predicted) {
            absSum += abs(a - p)
            sqSum += (a - p) * (a - p)
            apeSum += abs(a - p) / max(abs(a), Double.ulpOfOne)
        }
        let mean = actual.reduce(0, +) / n
        let total = actual.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return [
            "mae": absSum / n, "rmse": (sqSum / n).squareRoot(), "mape": apeSum / n,
            "r2": total > 0 ? 1 - sqSum / total : (sqSum == 0 ? 1 : 0),
        ]
    }
}
