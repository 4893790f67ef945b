import Foundation

/// A fitted model and everything needed to use it on new rows: the versioned model file.
///
/// Linear and logistic models keep their coefficients (on standardized features) and the scaler;
/// tree ensembles keep XGBoost's own model in its binary format (UBJSON, base64 in the file), which
/// Python's xgboost loads as it is. Version 1 files, with XGBoost's JSON text, are still read.
public struct TrainedModel: Codable, Sendable {
    public var format = "flowrun-model"
    public var version = TrainedModel.currentVersion
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
    /// XGBoost's model as UBJSON (random forest, gradient boosting; version 2 on).
    public var xgboostUbj: Data?
    /// XGBoost's model as JSON text (version 1 files).
    public var xgboostModel: String?
    /// Feature name → importance (total gain for trees, |coefficient| for linear models), summing to 1.
    public var featureImportances: [String: Double]
    public var hyperparameters: [String: String]
    public var trainingRows: Int
    /// A regression's smallest and largest training target: predictions are clipped to them
    /// (nil in files written before; then nothing is clipped).
    public var targetRange: [Double]?
    /// A binary classifier's threshold for F1, chosen out-of-fold on the training rows (nil: none
    /// chosen, or a file written before).
    public var decisionThreshold: DecisionThreshold?
    /// The booster that was just fitted, so that predicting the training rows needs no reload.
    var fitted: FittedBooster?

    static let currentVersion = 2

    private enum CodingKeys: String, CodingKey {
        case format, version, modelType, task, featureNames, classes, featureMeans, featureScales, coefficients,
            intercepts, xgboostUbj, xgboostModel, featureImportances, hyperparameters, trainingRows, targetRange,
            decisionThreshold
    }

    /// Writes the model as JSON.
    /// The XGBoost model's base64 is spliced in after the rest is encoded: JSONEncoder took 1.2 s
    /// over a forest's 180 MB of it, checking every character for escapes that base64 never needs.
    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var rest = self
        rest.xgboostUbj = nil
        var head = try encoder.encode(rest)
        guard let ubj = xgboostUbj, head.last == UInt8(ascii: "}") else { return try head.write(to: url, options: .atomic) }
        // Written in pieces (whole groups of 3 bytes encode alone), so no second copy of the model is held.
        head.removeLast()
        head.append(contentsOf: Array(#","xgboost_ubj":""#.utf8))
        let partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        guard FileManager.default.createFile(atPath: partial.path, contents: head) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partial.path])
        }
        let file = try FileHandle(forWritingTo: partial)
        do {
            try file.seekToEnd()
            let piece = 3 << 20
            var start = 0
            while start < ubj.count {
                let end = min(start + piece, ubj.count)
                try file.write(contentsOf: ubj[ubj.startIndex + start..<ubj.startIndex + end].base64EncodedData())
                start = end
            }
            try file.write(contentsOf: Array(#""}"#.utf8))
            try file.close()
        } catch {
            try? file.close()
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        guard rename(partial.path, url.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: partial)
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [NSFilePathErrorKey: url.path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
        }
    }

    /// Reads a model file; refuses other formats and newer versions.
    public static func load(from url: URL) throws -> TrainedModel {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let model: TrainedModel
        do { model = try decoder.decode(TrainedModel.self, from: Data(contentsOf: url)) } catch {
            throw LearnError.badModelFile(url.path, "\(error)")
        }
        guard model.format == "flowrun-model", model.version <= currentVersion else {
            throw LearnError.badModelFile(url.path, "format \(model.format) version \(model.version) is not one this flowrun reads")
        }
        return model
    }
}

/// A live XGBoost booster kept with the model it was fitted for. Predictions take a lock: the
/// model is a value that may be shared between tasks.
final class FittedBooster: @unchecked Sendable {
    private let booster: XGBoostBooster
    private let lock = NSLock()

    init(_ booster: XGBoostBooster) { self.booster = booster }

    func predict(_ matrix: XGBoostMatrix) throws -> [Float] {
        try lock.withLock { try booster.predict(matrix) }
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
    /// Regression predictions that fell outside the training target range and were clipped to it.
    public var clipped = 0
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
