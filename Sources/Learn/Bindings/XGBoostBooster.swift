import CXGBoost
import Foundation

/// An error from a C library, with the library's own message.
public struct LibraryError: Error, CustomStringConvertible, Equatable {
    public let library: String
    public let message: String
    public var description: String { "\(library): \(message)" }
}

/// A dense Float32 matrix handed to XGBoost: the one copy the binding makes.
final class XGBoostMatrix {
    let handle: DMatrixHandle

    /// - Parameters:
    ///   - values: row-major `rows × columns`, NaN for missing.
    ///   - threads: XGBoost copies the matrix into its own layout on this many threads (the
    ///     single-threaded `XGDMatrixCreateFromMat` was a fifth of a 200,000-row fit).
    init(
        values: [Float], rows: Int, columns: Int, labels: [Float]? = nil, weights: [Float]? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws {
        var out: DMatrixHandle?
        try XGBoostBooster.check(
            values.withUnsafeBufferPointer {
                XGDMatrixCreateFromMat_omp($0.baseAddress, bst_ulong(rows), bst_ulong(columns), .nan, &out, Int32(threads))
            })
        guard let out else { throw LibraryError(library: "xgboost", message: "no matrix created") }
        handle = out
        if let labels {
            try XGBoostBooster.check(
                labels.withUnsafeBufferPointer {
                    XGDMatrixSetFloatInfo(handle, "label", $0.baseAddress, bst_ulong(labels.count))
                })
        }
        if let weights {
            try XGBoostBooster.check(
                weights.withUnsafeBufferPointer {
                    XGDMatrixSetFloatInfo(handle, "weight", $0.baseAddress, bst_ulong(weights.count))
                })
        }
    }

    deinit { XGDMatrixFree(handle) }
}

/// XGBoost's booster (the C API of libxgboost): training rounds, prediction, JSON model buffers.
/// Owns its handle; every return code is checked and XGBoost's last error becomes a Swift error.
final class XGBoostBooster {
    private let handle: BoosterHandle
    private let training: [XGBoostMatrix]

    init(training matrices: [XGBoostMatrix] = []) throws {
        var out: BoosterHandle?
        var handles: [DMatrixHandle?] = matrices.map { $0.handle }
        try Self.check(XGBoosterCreate(&handles, bst_ulong(handles.count), &out))
        guard let out else { throw LibraryError(library: "xgboost", message: "no booster created") }
        handle = out
        training = matrices
    }

    deinit { XGBoosterFree(handle) }

    static func check(_ code: Int32) throws {
        guard code == 0 else {
            throw LibraryError(library: "xgboost", message: String(cString: XGBGetLastError()))
        }
    }

    func set(_ name: String, _ value: String) throws {
        try Self.check(XGBoosterSetParam(handle, name, value))
    }

    func updateOneIteration(_ iteration: Int, _ matrix: XGBoostMatrix) throws {
        try Self.check(XGBoosterUpdateOneIter(handle, Int32(iteration), matrix.handle))
    }

    /// Evaluation text such as `[3]\tvalid-logloss:0.2134`.
    func evaluate(_ iteration: Int, _ matrix: XGBoostMatrix, name: String) throws -> String {
        var handles: [DMatrixHandle?] = [matrix.handle]
        var names: [UnsafePointer<CChar>?] = []
        var out: UnsafePointer<CChar>?
        try name.withCString { cname in
            names = [cname]
            try Self.check(XGBoosterEvalOneIter(handle, Int32(iteration), &handles, &names, 1, &out))
        }
        return out.map { String(cString: $0) } ?? ""
    }

    /// Raw predictions (probabilities for classification objectives), row-major.
    func predict(_ matrix: XGBoostMatrix) throws -> [Float] {
        var length: bst_ulong = 0
        var result: UnsafePointer<Float>?
        try Self.check(XGBoosterPredict(handle, matrix.handle, 0, 0, 0, &length, &result))
        guard let result else { return [] }
        return Array(UnsafeBufferPointer(start: result, count: Int(length)))
    }

    /// The model in XGBoost's JSON format (loadable by Python's `xgboost.Booster(model_file=…)`).
    func modelJSON() throws -> String {
        var length: bst_ulong = 0
        var pointer: UnsafePointer<CChar>?
        try Self.check(XGBoosterSaveModelToBuffer(handle, #"{"format": "json"}"#, &length, &pointer))
        guard let pointer else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: Int(length)), as: UTF8.self)
    }

    /// The model in XGBoost's binary JSON (UBJSON): its smallest and fastest lossless format.
    func modelUBJ() throws -> Data {
        var length: bst_ulong = 0
        var pointer: UnsafePointer<CChar>?
        try Self.check(XGBoosterSaveModelToBuffer(handle, #"{"format": "ubj"}"#, &length, &pointer))
        guard let pointer else { return Data() }
        return Data(bytes: pointer, count: Int(length))
    }

    /// Loads a model saved as JSON or UBJSON (XGBoost tells them apart).
    func load(model bytes: Data) throws {
        try Self.check(bytes.withUnsafeBytes { XGBoosterLoadModelFromBuffer(handle, $0.baseAddress, bst_ulong($0.count)) })
    }

    /// Total gain per feature index (features never used are absent).
    func featureImportance() throws -> [Int: Double] {
        var count: bst_ulong = 0
        var names: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        var dims: bst_ulong = 0
        var shape: UnsafePointer<bst_ulong>?
        var scores: UnsafePointer<Float>?
        try Self.check(XGBoosterFeatureScore(handle, #"{"importance_type": "total_gain"}"#, &count, &names, &dims, &shape, &scores))
        var result: [Int: Double] = [:]
        guard let names, let scores else { return result }
        let perFeature = Int(dims) > 1 ? Int(shape?[1] ?? 1) : 1
        for i in 0..<Int(count) {
            guard let cname = names[i] else { continue }
            let name = String(cString: cname)
            let index = Int(name.dropFirst()) ?? -1  // XGBoost names unnamed features f0, f1, …
            var total = 0.0
            for k in 0..<perFeature { total += Double(scores[i * perFeature + k]) }
            if index >= 0 { result[index] = total }
        }
        return result
    }
}
