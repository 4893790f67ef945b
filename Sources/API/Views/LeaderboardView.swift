import Engine
import FlowSpec
import Foundation
import Store

/// A workflow's best runs by one metric: the API's leaderboard and the workflow page's.
struct LeaderboardView: Encodable, Sendable {
    struct Entry: Encodable, Sendable {
        var rank: Int
        var id: String
        var state: String
        var createdAt: Date
        var value: Double
        var params: Value
    }

    var workflow: String
    var metric: String
    /// `higher` or `lower`: which way the ranking goes (``MetricDirection``; higher when unknown).
    var better: String
    var runs: [Entry]

    static func load(workflow: String, metric: String, limit: Int, engine: Engine) async throws -> LeaderboardView {
        let entries = try await engine.leaderboard(workflow: workflow, metric: metric, limit: limit)
        return LeaderboardView(
            workflow: workflow, metric: metric, better: (MetricDirection.of(metric) ?? .higherIsBetter).rawValue,
            runs: entries.enumerated().map { i, e in
                Entry(
                    rank: i + 1, id: e.run.id, state: e.run.state.rawValue, createdAt: e.run.createdAt, value: e.value,
                    params: Value(jsonText: e.paramsJSON) ?? .map([:]))
            })
    }
}
