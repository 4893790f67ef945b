/// Which way is better for a metric: the one table `flowrun runs compare`, the compare API and page,
/// the leaderboards, the runs table's metric sort and the `select` step share (it lives in
/// Learn so that Steps can import it): use ``MetricDirection/of(_:)`` rather than a list of your own,
/// and add a metric here when a step starts reporting one.
public enum MetricDirection: String, Sendable, Hashable, Codable {
    case higherIsBetter = "higher"
    case lowerIsBetter = "lower"

    /// Scores where more is better (scikit-learn's names).
    static let higher: Set<String> = [
        "accuracy", "balanced_accuracy", "f1", "precision", "recall", "roc_auc", "r2", "average_precision",
    ]
    /// Errors and losses: less is better.
    static let lower: Set<String> = ["rmse", "mae", "mape", "mse", "log_loss", "brier"]

    /// Every metric with a direction, by name: what a page offers as a headline metric.
    public static var known: [String] { (higher.union(lower)).sorted() }

    /// The direction of a model metric by its base name (`train_accuracy`, `f1_at_threshold` and
    /// `precision_macro` go the way of `accuracy`, `f1`, `precision`); nil for counters and anything
    /// unknown, which no table marks a best for.
    public static func of(_ name: String) -> MetricDirection? {
        var base = Substring(name)
        if let dot = base.lastIndex(of: ".") { base = base[base.index(after: dot)...] }  // `evaluate.accuracy`
        if base.hasPrefix("train_") { base = base.dropFirst(6) }
        if base.hasPrefix("threshold_oof_") { base = base.dropFirst(14) }
        for suffix in ["_at_threshold", "_at_0.5", "_macro", "_weighted", "_micro"] where base.hasSuffix(suffix) {
            base = base.dropLast(suffix.count)
        }
        if higher.contains(String(base)) { return .higherIsBetter }
        if lower.contains(String(base)) { return .lowerIsBetter }
        return nil
    }

    /// True when `a` is better than `b`.
    public func prefers(_ a: Double, over b: Double) -> Bool {
        self == .higherIsBetter ? a > b : a < b
    }
}
