/// Which of a run's numbers say how good the model is, and which count the data: the CLI's summary
/// and the run page show the model's first, in the order people look for them (accuracy, F1,
/// ROC AUC; R², RMSE for a regression), and the counters (rows read, missing values per channel,
/// timings, …) apart, in a group of their own.
public enum MetricGroups {
    /// Led by these, in this order; then the other model metrics by name.
    public static let leading = ["accuracy", "f1", "roc_auc", "r2", "rmse"]

    /// Scores of a model (scikit-learn's names), with the variants steps derive from them:
    /// `train_accuracy`, `f1_at_threshold`, `precision_macro`, `threshold_oof_f1`, ….
    static let scores: Set<String> = [
        "accuracy", "balanced_accuracy", "f1", "precision", "recall", "roc_auc", "log_loss",
        "r2", "rmse", "mae", "mape", "mse", "threshold",
    ]

    public static func isModelMetric(_ name: String) -> Bool {
        var base = Substring(name)
        if base.hasPrefix("train_") { base = base.dropFirst(6) }
        if base.hasPrefix("threshold_oof_") { base = base.dropFirst(14) }
        for suffix in ["_at_threshold", "_at_0.5", "_macro", "_weighted", "_micro"] where base.hasSuffix(suffix) {
            base = base.dropLast(suffix.count)
        }
        return scores.contains(String(base))
    }

    /// A run's metrics as (step, name), in the steps' order, split into the model's — the
    /// ``leading`` ones first whichever step reported them, then the rest by step and name — and
    /// the counters, by step and name.
    public static func arrange(
        _ metrics: [(step: String, name: String)], stepOrder: [String]
    ) -> (model: [(step: String, name: String)], counters: [(step: String, name: String)]) {
        func position(_ step: String) -> Int { stepOrder.firstIndex(of: step) ?? stepOrder.count }
        let model = metrics.filter { isModelMetric($0.name) }.sorted { a, b in
            let ia = leading.firstIndex(of: a.name) ?? leading.count, ib = leading.firstIndex(of: b.name) ?? leading.count
            if ia != ib { return ia < ib }
            return position(a.step) != position(b.step) ? position(a.step) < position(b.step) : a.name < b.name
        }
        let counters = metrics.filter { !isModelMetric($0.name) }.sorted { a, b in
            position(a.step) != position(b.step) ? position(a.step) < position(b.step) : a.name < b.name
        }
        return (model, counters)
    }

    /// `names` split into the model's (leading ones first) and the rest (by name).
    public static func split(_ names: [String]) -> (model: [String], counters: [String]) {
        let model = names.filter(isModelMetric).sorted { a, b in
            let ia = leading.firstIndex(of: a) ?? leading.count, ib = leading.firstIndex(of: b) ?? leading.count
            return ia != ib ? ia < ib : a < b
        }
        return (model, names.filter { !isModelMetric($0) }.sorted())
    }
}
