import Foundation

/// A fitted model and everything needed to use it on new rows: the versioned model file.
///
/// Linear and logistic models keep their coefficients (on standardized features) and the scaler;
/// tree ensembles keep XGBoost's own JSON model, which Python's xgboost loads as it is.
public struct TrainedModel: Codable, Sendable {
    public var format = "flowrun-model"
    public var version = 1
    public var modelType: ModelType
    public var task: LearningTask
    public var featureNames: [String]
    /// Class labels in the order of probability columns (classification only).
    public var classes: [String]
    /// Training means, used for missing values and centring.
    public var featureMeans: [Double]
    /// Standard deviations of the scaler (linear and logistic).
    public var featureScales: [Double]
    /// One row per decision function (linear/logistic).
    public var coefficients: [[Double]]
    public var intercepts: [Double]
    /// XGBoost's model (random forest, gradient boosting).
    public var xgboostModel: String?
    /// Feature name → importance (total gain for trees, |coefficient| for linear models), summing to 1.
    public var featureImportances: [String: Double]
    public var hyperparameters: [String: String]
    public var trainingRows: Int

    /// Writes the model as JSON.
    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    /// Reads a model file; refuses other formats and newer versions.
    public static func load(from url: URL) throws -> TrainedModel {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let model: TrainedModel
        do { model = try decoder.decode(TrainedModel.self, from: Data(contentsOf: url)) } catch {
            throw LearnError.badModelFile(url.path, "\(error)")
        }
        guard model.format == "flowrun-model", model.version <= 1 else {
            throw LearnError.badModelFile(url.path, "format \(model.format) version \(model.version) is not one this flowrun reads")
        }
        return model
    }
}

/// What a model says about each row.
public struct Predictions: Sendable {
    /// The predicted class, or the predicted value as text.
    public var labels: [String]
    /// Regression predictions.
    public var values: [Double]?
    /// Per row, one probability per class in ``TrainedModel/classes`` order.
    public var probabilities: [[Double]]?
}

/// Numeric-core failures with messages that name the place.
public enum LearnError: Error, CustomStringConvertible, Equatable {
    case badModelFile(String, String)
    case badData(String)
    case featureMismatch(expected: [String], found: [String])
    /// The file could not be read (an I/O error, not its content): another attempt may succeed.
    case readFailed(String)

    public var description: String {
        switch self {
        case .badModelFile(let path, let why): "\(path): not a usable model file: \(why)"
        case .badData(let message): message
        case .readFailed(let why): "reading the file failed: \(why)"
        case .featureMismatch(let expected, let found):
            "the features do not match the model's: expected \(expected.count) (\(expected.prefix(3).joined(separator: ", "))…), found \(found.count) (\(found.prefix(3).joined(separator: ", "))…)"
        }
    }
}
