import Foundation

/// Which model `train` fits.
public enum ModelType: String, Codable, Sendable, CaseIterable {
    case linear, logistic
    case randomForest = "random_forest"
    case gradientBoosting = "gradient_boosting"
}

/// What the target is.
public enum LearningTask: String, Codable, Sendable {
    case classification, regression
}

/// Hyperparameters, named as scikit-learn names them.
public struct ModelConfig: Sendable {
    public var type: ModelType
    /// nil: decided from the labels (text or few integral values → classification).
    public var task: LearningTask?
    public var alpha = 1.0
    public var C = 1.0
    public var nEstimators = 100
    /// nil: no limit for a random forest (scikit-learn's None), 6 for gradient boosting.
    public var maxDepth: Int?
    /// Random forest: the fewest rows in a leaf (see ``ForestParameters``).
    public var minSamplesLeaf = 1
    /// Gradient boosting: XGBoost's `min_child_weight`, a sum of hessians (rows only for regression).
    public var minChildWeight = 1.0
    /// Random forest: each tree sees a bootstrap-sized share of the rows (see ``ForestParameters/subsample(bootstrap:maxSamples:)``).
    public var bootstrap = true
    /// Random forest: draws per tree as a fraction of the rows (scikit-learn's float `max_samples`); nil: 1.
    public var maxSamples: Double?
    /// `sqrt`, `log2`, `all`, or a fraction such as `0.5`; nil: sqrt for classification, all for regression.
    public var maxFeatures: String?
    public var learningRate = 0.1
    public var maxIter = 100
    public var maxLeafNodes: Int?
    public var earlyStopping = true
    public var validationFraction = 0.1
    /// Classification: weigh each class by `n / (classes × rows of the class)` (scikit-learn's
    /// `class_weight="balanced"`), so a rare class counts as much as a common one.
    public var balancedClassWeights = false
    public var seed: UInt64 = 42
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    public init(type: ModelType) {
        self.type = type
    }
}
