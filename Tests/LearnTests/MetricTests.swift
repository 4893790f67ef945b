import Foundation
import Testing

@testable import Learn

/// Metrics on small cases computed by hand (the same numbers scikit-learn gives).
@Suite struct MetricTests {
    @Test func binaryClassification() {
        // actual:    1 1 1 0 0
        // predicted: 1 0 1 0 1  → TP 2, FN 1, TN 1, FP 1
        let m = ClassificationMetrics(
            actual: ["1", "1", "1", "0", "0"], predicted: ["1", "0", "1", "0", "1"],
            classes: ["0", "1"], probabilities: [[0.1, 0.9], [0.6, 0.4], [0.3, 0.7], [0.8, 0.2], [0.35, 0.65]])
        #expect(m.confusion == [[1, 1], [1, 2]])
        #expect(m.values["accuracy"] == 0.6)
        #expect(abs(m.values["precision"]! - 2.0 / 3) < 1e-12)
        #expect(abs(m.values["recall"]! - 2.0 / 3) < 1e-12)
        #expect(abs(m.values["f1"]! - 2.0 / 3) < 1e-12)
        #expect(abs(m.values["balanced_accuracy"]! - (2.0 / 3 + 0.5) / 2) < 1e-12)
        // Scores of positives 0.9, 0.4, 0.7 vs negatives 0.2, 0.65: 5 of 6 pairs ordered right.
        #expect(abs(m.values["roc_auc"]! - 5.0 / 6) < 1e-12)
        let logLoss = -([0.9, 0.4, 0.7].map { log($0) } + [0.8, 0.35].map { log($0) }).reduce(0, +) / 5
        #expect(abs(m.values["log_loss"]! - logLoss) < 1e-12)
    }

    @Test func logLossTakesProbabilitiesAsGiven() {
        // scikit-learn's log_loss clips to [eps, 1 - eps] and does not renormalize rows that miss a
        // sum of 1 (XGBoost's float32 softprob rows do, by ~1e-7): -(log 0.5 + log 0.25) / 2.
        let m = ClassificationMetrics(
            actual: ["a", "b"], predicted: ["a", "a"], classes: ["a", "b", "c"],
            probabilities: [[0.5, 0.3, 0.1], [0.5, 0.25, 0.1]])
        #expect(abs(m.values["log_loss"]! + (log(0.5) + log(0.25)) / 2) < 1e-15)
        // A probability of 0 for the true class costs -log(eps), as in scikit-learn.
        let zero = ClassificationMetrics(actual: ["b"], predicted: ["a"], classes: ["a", "b"], probabilities: [[1, 0]])
        #expect(zero.values["log_loss"] == -log(Double.ulpOfOne))
    }

    @Test func labelsTheModelNeverSawCountAsErrorsAndKeepBinaryMetricsBinary() {
        // A pass/fail model; two test rows are labelled "unknown". Confusion (rows actual, columns
        // predicted; fail, pass, unknown): fail [1 1 0], pass [0 2 0], unknown [1 1 0].
        let m = ClassificationMetrics(
            actual: ["fail", "fail", "pass", "pass", "unknown", "unknown"], predicted: ["fail", "pass", "pass", "pass", "fail", "pass"],
            classes: ["fail", "pass", "unknown"],
            probabilities: [[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.3, 0.7], [0.6, 0.4], [0.1, 0.9]], modelClasses: 2)
        #expect(m.confusion == [[1, 1, 0], [0, 2, 0], [1, 1, 0]])
        #expect(m.values["accuracy"] == 0.5)
        // Still the binary metrics on "fail": the unknown row predicted fail is a false positive.
        #expect(m.values["precision"] == 0.5 && m.values["recall"] == 0.5 && m.values["f1"] == 0.5)
        #expect(m.values["precision_macro"] == nil)
        #expect(m.values["balanced_accuracy"] == 0.5, "recalls 0.5, 1 and 0 for the unknown class")
        // ROC AUC of P(fail) with the unknown rows among the negatives: 7 of 8 pairs ordered right.
        #expect(m.values["roc_auc"] == 7.0 / 8)
        let logLoss = -(log(0.9) + log(0.4) + log(0.8) + log(0.7) + 2 * log(Double.ulpOfOne)) / 6
        #expect(abs(m.values["log_loss"]! - logLoss) < 1e-12)
    }

    @Test func rocAUCCountsTiesAsHalf() {
        #expect(ClassificationMetrics.rocAUC(scores: [0.5, 0.5, 0.5, 0.5], positives: [true, false, true, false]) == 0.5)
        #expect(ClassificationMetrics.rocAUC(scores: [0.1, 0.2], positives: [true, true]) == nil)
    }

    @Test func passFailReportsOnFail() {
        #expect(ClassificationMetrics.positiveClass(of: ["fail", "pass"]) == "fail")
        #expect(ClassificationMetrics.positiveClass(of: ["0", "1"]) == "1")
    }

    @Test func multiclassMacroAndWeighted() {
        // a: 2 rows both right; b: 2 rows, 1 right (other predicted c); c: 1 row right.
        let m = ClassificationMetrics(
            actual: ["a", "a", "b", "b", "c"], predicted: ["a", "a", "b", "c", "c"],
            classes: ["a", "b", "c"], probabilities: nil)
        // F1: a 1, b 2/3 (p 1, r .5), c 2/3 (p .5, r 1)
        #expect(abs(m.values["f1_macro"]! - (1 + 2.0 / 3 + 2.0 / 3) / 3) < 1e-12)
        #expect(abs(m.values["f1_weighted"]! - (2 * 1 + 2 * 2.0 / 3 + 1 * 2.0 / 3) / 5) < 1e-12)
    }

    @Test func regression() {
        let m = RegressionMetrics.compute(actual: [1, 2, 3, 4], predicted: [1, 2, 4, 2])
        #expect(m["mae"] == 0.75)
        #expect(abs(m["rmse"]! - (5.0 / 4).squareRoot()) < 1e-12)
        #expect(abs(m["r2"]! - (1 - 5.0 / 5)) < 1e-12)
        #expect(abs(m["mape"]! - (1.0 / 3 + 0.5) / 4) < 1e-12)
    }
}
