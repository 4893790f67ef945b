import FlowSpec
import Foundation

/// `GET /api/metrics/compare`: metrics of several runs side by side.
struct CompareView: Codable, Sendable {
    /// Every `step.metric` name any of the runs has, sorted.
    var metrics: [String]
    var runs: [CompareRun]
}

/// One column of the comparison.
struct CompareRun: Codable, Sendable {
    var id: String
    var workflow: String
    var state: String
    var createdAt: Date
    var params: Value
    /// `step.metric` → value.
    var metrics: [String: Double]
}
