import CLinear
import Foundation

/// L2-regularised logistic regression by liblinear (`L2R_LR`, the solver behind scikit-learn's
/// `LogisticRegression(solver="liblinear")`), one-vs-rest for more than two classes.
/// Owns the trained model; liblinear's parameter errors become Swift errors.
final class LiblinearModel {
    private let model: UnsafeMutablePointer<model>

    /// - Parameters:
    ///   - rows: standardized features, row-major `labels.count × columns`.
    ///   - labels: class indices 0..<k.
    ///   - classWeights: per class index, multiplying C for that class's rows (liblinear's `-wi`).
    init(rows: [Double], columns: Int, labels: [Int], C: Double, classWeights: [Double]? = nil) throws {
        Self.silence()
        let n = labels.count
        // liblinear reads sparse rows ending in index -1; a bias feature (index columns+1) is the intercept.
        let stride = columns + 2
        let nodes = UnsafeMutablePointer<feature_node>.allocate(capacity: n * stride)
        defer { nodes.deallocate() }
        let pointers = UnsafeMutablePointer<UnsafeMutablePointer<feature_node>?>.allocate(capacity: n)
        defer { pointers.deallocate() }
        for r in 0..<n {
            let base = nodes + r * stride
            for c in 0..<columns { base[c] = feature_node(index: Int32(c + 1), value: rows[r * columns + c]) }
            base[columns] = feature_node(index: Int32(columns + 1), value: 1)
            base[columns + 1] = feature_node(index: -1, value: 0)
            pointers[r] = base
        }
        var y = labels.map(Double.init)
        var problemText: String?
        var weightLabels = (0..<(classWeights?.count ?? 0)).map(Int32.init)
        var weights = classWeights ?? []
        let trained: UnsafeMutablePointer<model>? = y.withUnsafeMutableBufferPointer { yBuffer in
            var problem = CLinear.problem(l: Int32(n), n: Int32(columns + 1), y: yBuffer.baseAddress, x: pointers, bias: -1)
            var parameter = CLinear.parameter(
                solver_type: Int32(L2R_LR), eps: 1e-8, C: C, nr_weight: Int32(weights.count),
                weight_label: nil, weight: nil, p: 0.1, init_sol: nil)
            return weightLabels.withUnsafeMutableBufferPointer { labelBuffer in
                weights.withUnsafeMutableBufferPointer { weightBuffer in
                    if !weightBuffer.isEmpty {
                        parameter.weight_label = labelBuffer.baseAddress
                        parameter.weight = weightBuffer.baseAddress
                    }
                    if let text = check_parameter(&problem, &parameter) {
                        problemText = String(cString: text)
                        return nil
                    }
                    return train(&problem, &parameter)
                }
            }
        }
        guard let trained else { throw LibraryError(library: "liblinear", message: problemText ?? "training failed") }
        model = trained
    }

    deinit {
        var pointer: UnsafeMutablePointer<model>? = model
        free_and_destroy_model(&pointer)
    }

    private static let quiet: Void = { set_print_string_function { _ in } }()
    private static func silence() { _ = quiet }

    var classCount: Int { Int(get_nr_class(model)) }

    /// liblinear's own label order (class indices as passed to `init`).
    var labelOrder: [Int] {
        var labels = [Int32](repeating: 0, count: classCount)
        get_labels(model, &labels)
        return labels.map(Int.init)
    }

    /// Coefficients per class (in `labelOrder`; one row for two classes) and intercepts.
    func coefficients(columns: Int) -> (weights: [[Double]], intercepts: [Double]) {
        let rows = classCount == 2 ? 1 : classCount
        var weights: [[Double]] = []
        var intercepts: [Double] = []
        for k in 0..<rows {
            weights.append((0..<columns).map { get_decfun_coef(model, Int32($0 + 1), Int32(k)) })
            intercepts.append(get_decfun_coef(model, Int32(columns + 1), Int32(k)))
        }
        return (weights, intercepts)
    }
}
