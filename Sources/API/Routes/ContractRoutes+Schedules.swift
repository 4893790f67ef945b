import Engine
import FlowSpec
import Foundation
import OpenAPIRuntime
import Store

/// Schedules and backfill groups (issue 18): `GET /api/schedules`, `GET` and `POST /api/groups`,
/// `GET /api/groups/{id}` and its pause/resume/cancel. They read and act through the engine
/// (``Engine/schedules()``, ``Engine/backfill(_:)``, ``Engine/group(id:)``), as the CLI and the pages do.
extension ContractRoutes {
    func listSchedules(_ input: Operations.ListSchedules.Input) async throws -> Operations.ListSchedules.Output {
        var schedules: [Components.Schemas.Schedule] = []
        for info in try await services.engine.schedules() {
            var lastRun: Components.Schemas.RunSummary?
            if let run = info.lastRun { lastRun = try await summary(run.id) }
            schedules.append(
                Components.Schemas.Schedule(
                    workflow: info.workflow, cron: info.cron, timezone: info.timeZone,
                    catchup: try GeneratedWire.wire(info.catchup, as: Components.Schemas.Schedule.CatchupPayload.self),
                    overlap: try GeneratedWire.wire(info.overlap, as: Components.Schemas.Schedule.OverlapPayload.self),
                    nextTick: info.nextTick, lastTick: info.lastTick, lastRun: lastRun))
        }
        return .ok(.init(body: .json(.init(schedules: schedules))))
    }

    func listGroups(_ input: Operations.ListGroups.Input) async throws -> Operations.ListGroups.Output {
        let limit = try Query.check("limit", input.query.limit, default: 50, in: 1...1000)
        let state = input.query.state.flatMap { RunGroupState(rawValue: $0.rawValue) }
        let groups = try await services.engine.groups(limit: limit, workflow: input.query.workflow, state: state).map { group in
            Components.Schemas.GroupSummary(
                id: group.id, workflow: group.workflow,
                state: try GeneratedWire.wire(group.state, as: Components.Schemas.GroupSummary.StatePayload.self),
                maxParallel: group.maxParallel, total: group.total, released: group.released, selection: group.selection,
                createdAt: group.createdAt)
        }
        return .ok(.init(body: .json(.init(groups: groups))))
    }

    func createGroup(_ input: Operations.CreateGroup.Input) async throws -> Operations.CreateGroup.Output {
        guard case .json(let body) = input.body else { throw APIError.badRequest("send a JSON body", field: "body") }
        var params: [String: Value] = [:]
        if let given = body.params {
            let text = String(decoding: try JSONEncoder().encode(given), as: UTF8.self)
            params = Value(jsonText: text)?.mapValue ?? [:]
        }
        var request = BackfillRequest(
            workflow: body.workflow, datasets: body.datasets, since: body.since, until: body.until,
            params: params, maxParallel: body.maxParallel ?? 4)
        request.workflowIsName = true
        let group = try await groupAction { try await services.engine.backfill(request).id }
        return .created(.init(body: .json(group)))
    }

    func getGroup(_ input: Operations.GetGroup.Input) async throws -> Operations.GetGroup.Output {
        .ok(.init(body: .json(try await groupAction { input.path.id })))
    }

    func pauseGroup(_ input: Operations.PauseGroup.Input) async throws -> Operations.PauseGroup.Output {
        .ok(.init(body: .json(try await changeGroup(input.path.id, services.engine.pauseGroup))))
    }

    func resumeGroup(_ input: Operations.ResumeGroup.Input) async throws -> Operations.ResumeGroup.Output {
        .ok(.init(body: .json(try await changeGroup(input.path.id, services.engine.resumeGroup))))
    }

    func cancelGroup(_ input: Operations.CancelGroup.Input) async throws -> Operations.CancelGroup.Output {
        .ok(.init(body: .json(try await changeGroup(input.path.id, services.engine.cancelGroup))))
    }

    /// Pause, resume or cancel: `change` on the group, then the group as it is now.
    private func changeGroup(_ id: String, _ change: (String) async throws -> Void) async throws -> Components.Schemas.RunGroup {
        try await groupAction {
            try await change(id)
            return id
        }
    }

    /// Runs `action` (which names the group), then answers the group; the engine's refusals in the API's words.
    private func groupAction(_ action: () async throws -> String) async throws -> Components.Schemas.RunGroup {
        do {
            let id = try await action()
            guard let view = try await services.engine.group(id: id) else { throw BackfillError.groupNotFound(id) }
            return try GeneratedWire.bridge(RunGroupJSON(view), as: Components.Schemas.RunGroup.self)
        } catch let error as BackfillError {
            switch error {
            case .noDatasetsMatch: throw APIError.badRequest(error.description, field: "datasets", code: "no_datasets_match")
            case .badMaxParallel: throw APIError.badRequest(error.description, field: "max_parallel")
            case .groupNotFound: throw APIError.notFound(error.description, code: "group_not_found")
            case .groupCanceled: throw APIError.conflict(error.description)
            }
        }
    }
}

/// A group as the API and the group page write it.
struct RunGroupJSON: Encodable {
    struct Run: Encodable {
        var id: String
        var datasetID: String?
        var state: String
        enum CodingKeys: String, CodingKey { case id, datasetID = "dataset_id", state }
    }

    var id: String
    var workflow: String
    var state: String
    var maxParallel: Int
    var total: Int
    var released: Int
    var selection: String
    var createdAt: Date
    var counts: [String: Int]
    var runs: [Run]

    enum CodingKeys: String, CodingKey {
        case id, workflow, state, total, released, selection, counts, runs
        case maxParallel = "max_parallel", createdAt = "created_at"
    }

    init(_ view: RunGroupView) {
        id = view.group.id
        workflow = view.group.workflow
        state = view.group.state
        maxParallel = view.group.maxParallel
        total = view.group.total
        released = view.group.released
        selection = view.group.selection
        createdAt = view.group.createdAt
        counts = view.counts
        runs = view.runs.map { Run(id: $0.id, datasetID: $0.datasetID, state: $0.state) }
    }
}
