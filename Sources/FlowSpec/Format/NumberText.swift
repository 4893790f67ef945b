import Foundation

/// Numbers as flowrun writes them: the one number formatter of the CLI, the dashboard, the API's
/// texts, workflow diagnostics and JSON texts (``Value/jsonText``).
public enum NumberText {
    /// Whole numbers without a point (`3`, not `3.0`); the rest exactly (Swift's shortest text that
    /// reads back equal: `0.1`, `1e-07`) or, for reading, to `significant` digits — `0.8667` on
    /// the dashboard (4), `0.866667` in the CLI (6) — but never as an exponent from
    /// 10^(significant-1) up, which gets one decimal (`12345.7`, not `1.235e+04`).
    /// Not finite: `nan`, `inf`, `-inf`.
    public static func format(_ n: Double, significant: Int? = nil) -> String {
        guard n.isFinite else { return "\(n)" }
        if n.rounded() == n, abs(n) < 1e15 { return String(Int64(n)) }
        guard let significant else { return String(n) }
        if abs(n) >= pow(10, Double(significant - 1)) { return String(format: "%.1f", n) }
        return String(format: "%.\(significant)g", n)
    }
}
