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
    public var maxDepth: Int?
    public var minSamplesLeaf = 1
    /// `sqrt`, `log2`, `all`, or a fraction such as `0.5`; nil: sqrt for classification, all for regression.
    public var maxFeatures: String?
    public var learningRate = 0.1
    public var maxIter = 100
    public var maxLeafNodes: Int?
    public var earlyStopping = true
    public var validationFraction = 0.1
    public var seed: UInt64 = 42
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    public init(type: ModelType) {
        self.type = type
    }
}
