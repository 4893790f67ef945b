import Engine
import Foundation
import Store

/// `/groups/{id}`: a backfill group's progress (runs by state, datasets still waiting), its runs,
/// and Pause, Resume and Cancel (the script posts them to the API).
struct GroupPage {
    let services: APIServices
    let renderer: PageRenderer

    struct Count: Encodable {
        let state: String
        let count: Int
        let badge: StateBadge
    }

    struct Run: Encodable {
        let id: String
        let idURL: String
        let dataset: String
        let datasetURL: String
        let badge: StateBadge
    }

    struct Context: Encodable {
        let id: String
        let idURL: String
        let workflow: String
        let workflowURL: String
        let badge: StateBadge
        let selection: String
        let maxParallel: Int
        let total: Int
        let released: Int
        let created: Stamp
        let counts: [Count]
        let runs: [Run]
        let hasRuns: Bool
        let canPause: Bool
        let canResume: Bool
        let canCancel: Bool
    }

    /// nil when there is no such group.
    func render(id: String) async throws -> String? {
        guard let view = try await services.engine.group(id: id) else { return nil }
        let order = ["waiting", "queued", "running", "succeeded", "failed", "canceled"]
        let counts = order.compactMap { state in view.counts[state].map { Count(state: state, count: $0, badge: StateBadge(state)) } }
        let state = view.group.state
        let context = Context(
            id: view.group.id, idURL: urlPart(view.group.id), workflow: view.group.workflow, workflowURL: urlPart(view.group.workflow),
            badge: StateBadge(state, id: "group-state"), selection: view.group.selection, maxParallel: view.group.maxParallel,
            total: view.group.total, released: view.group.released, created: Stamp(view.group.createdAt), counts: counts,
            runs: view.runs.map {
                Run(
                    id: $0.id, idURL: urlPart($0.id), dataset: $0.datasetID ?? "", datasetURL: urlPart($0.datasetID ?? ""),
                    badge: StateBadge($0.state))
            },
            hasRuns: !view.runs.isEmpty, canPause: state == "active", canResume: state == "paused", canCancel: state != "canceled")
        return try renderer.page(.group, title: "Group \(view.group.id)", section: .workflows, content: context)
    }
}
