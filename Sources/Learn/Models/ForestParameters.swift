import Foundation

/// scikit-learn's `RandomForest*` hyperparameters as XGBoost's random forest (one round of
/// `num_parallel_tree` trees) expresses them.
///
/// `min_samples_leaf` is a number of rows, but XGBoost limits leaves by `min_child_weight`, a sum of
/// hessians. In a forest's single round every row has the same hessian, because every prediction
/// is still `base_score` (pinned to 0.5 here): 1 for squared error, p(1 − p) = 1/4 for the binary
/// logistic (p = 0.5), 2p(1 − p) with p = 1/K for the K-class softmax (uniform at equal margins;
/// XGBoost's `SoftmaxMultiClassObj` doubles the hessian). So `rows × h` is that many rows' weight,
/// and `min_child_weight = (min_samples_leaf − ½) · h` admits leaves of `min_samples_leaf` rows and
/// no fewer, whatever the rounding of the sums. (With sample weights the hessians scale by them and
/// the bound becomes one on weighted rows.)
struct ForestParameters {
    /// The hessian of one row of weight 1 in the forest's round.
    static func rowHessian(task: LearningTask, classes: Int) -> Double {
        switch (task, classes) {
        case (.regression, _): 1
        case (.classification, 2): 0.25
        case (.classification, let k):
            2 * (1 / Double(k)) * (1 - 1 / Double(k))
        }
    }

    /// What stands for "no depth limit".
    static let unlimitedDepth = 64

    /// XGBoost's `min_child_weight` for leaves of at least `rows` rows.
    static func minChildWeight(rows: Int, task: LearningTask, classes: Int) -> Double {
        (Double(max(1, rows)) - 0.5) * rowHessian(task: task, classes: classes)
    }

    /// XGBoost samples rows without replacement; scikit-learn's bootstrap draws `max_samples · n`
    /// with replacement, which keeps `1 − e^(−max_samples)` of the rows (63.2 % for n draws). A tree
    /// sees the same share of distinct rows, each once rather than some twice.
    static func subsample(bootstrap: Bool, maxSamples: Double?) -> Double {
        bootstrap ? 1 - exp(-(maxSamples ?? 1)) : 1
    }

    /// The XGBoost parameters of a forest.
    static func xgboost(_ config: ModelConfig, task: LearningTask, classes: Int, columns p: Int) -> [(String, String)] {
        var params: [(String, String)] = [
            ("num_parallel_tree", "\(config.nEstimators)"), ("eta", "1"), ("base_score", "0.5"),
            ("subsample", "\(subsample(bootstrap: config.bootstrap, maxSamples: config.maxSamples))"),
            ("colsample_bynode", "\(TreeEnsemble.columnFraction(config.maxFeatures, task: task, columns: p))"),
            ("min_child_weight", "\(minChildWeight(rows: config.minSamplesLeaf, task: task, classes: classes))"),
            // Leaf values are then the mean gradient step of their rows, as unregularized as XGBoost allows.
            ("lambda", "1e-5"),
        ]
        if let leaves = config.maxLeafNodes {
            // Best-first growth needs histograms (only `hist` grows leaf by leaf).
            params += [
                ("tree_method", "hist"), ("grow_policy", "lossguide"), ("max_leaves", "\(leaves)"),
                ("max_depth", "\(config.maxDepth ?? 0)"),
            ]
        } else {
            // Exact splits, as scikit-learn's: and for deep trees leaner and faster than `hist`, whose
            // per-node histograms (features × 256 bins × 16 bytes, kept for every node of a tree)
            // took 4 GB for a forest of 20 trees on 80,000 rows where `exact` took 90 MB, in 5.8 s
            // instead of 11 s. scikit-learn's max_depth=None is depth ≤ 64 (`exact` needs a limit;
            // a balanced tree that deep would have 2⁶⁴ leaves).
            params += [("tree_method", "exact"), ("max_depth", "\(config.maxDepth ?? ForestParameters.unlimitedDepth)")]
        }
        return params
    }
}
