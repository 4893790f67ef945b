import Engine
import FlowSpec
import Foundation

/// The workflow page's "best runs by accuracy" (`parts/leaderboard`): its succeeded runs ranked by
/// the first headline metric they report — accuracy, else R², else RMSE — as the API's leaderboard.
struct LeaderboardPart: Encodable {
    struct Row: Encodable {
        let rank: Int
        let id: String
        let url: String
        let value: String
        let params: String
    }

    let metric: String
    let better: String
    let hasRows: Bool
    let rows: [Row]
    /// The runs page sorted by this metric: the whole ranking, paged.
    let allURL: String

    static let shown = 5
    static let headlines = ["accuracy", "r2", "rmse"]

    static func load(workflow: String, engine: Engine) async throws -> LeaderboardPart {
        for metric in headlines {
            let view = try await LeaderboardView.load(workflow: workflow, metric: metric, limit: shown, engine: engine)
            guard !view.runs.isEmpty || metric == headlines.last else { continue }
            return LeaderboardPart(
                metric: metric, better: view.better == "lower" ? "lower is better" : "higher is better", hasRows: !view.runs.isEmpty,
                rows: view.runs.map { entry in
                    Row(
                        rank: entry.rank, id: entry.id, url: "/runs/" + urlPart(entry.id), value: Format.number(entry.value),
                        params: (entry.params.mapValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.interpolated)" }
                            .joined(separator: " "))
                },
                allURL: "/runs?workflow=\(urlPart(workflow))&state=succeeded&metric=\(urlPart(metric))&sort=metric")
        }
        return LeaderboardPart(metric: "accuracy", better: "", hasRows: false, rows: [], allURL: "")
    }
}
