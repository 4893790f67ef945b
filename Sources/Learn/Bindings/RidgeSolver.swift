import CLapack
import Foundation

/// Ridge regression solved by LAPACK (`dposv`, Cholesky on XᵀX + αI): scikit-learn's `Ridge(alpha)`
/// with an unpenalized intercept, obtained by centering X and y first.
enum RidgeSolver {
    /// - Parameter rows: row-major `targets.count × columns`, no missing values.
    static func fit(
        rows: [Double], columns p: Int, targets y: [Double], alpha: Double
    ) throws -> (coefficients: [Double], intercept: Double) {
        let n = y.count
        guard n > 0, p > 0 else { throw LibraryError(library: "lapack", message: "no data to fit") }
        var means = [Double](repeating: 0, count: p)
        for r in 0..<n { for c in 0..<p { means[c] += rows[r * p + c] } }
        for c in 0..<p { means[c] /= Double(n) }
        let yMean = y.reduce(0, +) / Double(n)
        // Normal equations in column-major order (symmetric, so layout is moot for A).
        var a = [Double](repeating: 0, count: p * p)
        var b = [Double](repeating: 0, count: p)
        var centered = [Double](repeating: 0, count: p)
        for r in 0..<n {
            for c in 0..<p { centered[c] = rows[r * p + c] - means[c] }
            let yc = y[r] - yMean
            for i in 0..<p {
                let xi = centered[i]
                b[i] += xi * yc
                for j in i..<p { a[i * p + j] += xi * centered[j] }
            }
        }
        for i in 0..<p {
            for j in 0..<i { a[i * p + j] = a[j * p + i] }
            a[i * p + i] += alpha
        }
        let info = LAPACKE_dposv(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(p), 1, &a, Int32(p), &b, Int32(p))
        guard info == 0 else {
            throw LibraryError(
                library: "lapack",
                message: info > 0
                    ? "the system is not positive definite (leading minor \(info)); increase alpha"
                    : "dposv: argument \(-info) is invalid")
        }
        let intercept = yMean - zip(b, means).reduce(0) { $0 + $1.0 * $1.1 }
        return (b, intercept)
    }
}
