import Engine
import FlowSpec
import Foundation
import Hummingbird
import NIOCore
import Store

/// `POST /api/runs`, `GET /api/runs`, `GET /api/runs/{id}`, cancel and retry.
struct RunRoutes {
    let services: APIServices

    func register(on router: some RouterMethods<APIRequestContext>) {
        router.post("/api/runs") { request, context -> Response in
            let body = try await APIJSON.decode(SubmitRunBody.self, from: request, context: context)
            let run = try await services.engine.submit(try submitRequest(body))
            let view = RunSummaryView(run.summary, now: services.engine.clock.now())
            return try APIJSON.response(view, status: .created, headers: [.location: "/api/runs/\(run.id)"])
        }
        router.get("/api/runs") { request, _ -> Response in
            let query = Query(request: request)
            let limit = try query.int("limit", default: 50, in: 1...500) ?? 50
            var runQuery = RunQuery(state: try query.oneOf("state", RunState.self), workflow: query.string("workflow"),
                                    datasetID: query.string("dataset"), limit: limit + 1, before: query.string("before"))
            if let before = runQuery.before, try await services.engine.run(id: before) == nil {
                throw APIError.badRequest("cursor 'before': run '\(before)' not found", field: "before")
            }
            runQuery.limit = limit + 1
            let runs = try await services.engine.runSummaries(runQuery)
            let now = services.engine.clock.now()
            let page = Array(runs.prefix(limit))
            let body = RunPageJSON.encode(RunPage(runs: page.map { RunSummaryView($0, now: now) },
                                                  nextBefore: runs.count > limit ? page.last?.id : nil))
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("/api/runs/{id}") { _, context -> Response in
            try APIJSON.response(try await RunDetailView.load(id: try context.parameters.path("id"), engine: services.engine))
        }
        router.post("/api/runs/{id}/cancel") { _, context -> Response in
            let id = try context.parameters.path("id")
            try await services.engine.cancel(runID: id)
            return try APIJSON.response(try await summary(id))
        }
        router.post("/api/runs/{id}/retry") { _, context -> Response in
            let id = try context.parameters.path("id")
            try await services.engine.retry(runID: id)
            return try APIJSON.response(try await summary(id))
        }
    }

    func submitRequest(_ body: SubmitRunBody) throws -> SubmitRequest {
        guard !body.workflow.isEmpty else { throw APIError.badRequest("'workflow' must not be empty", field: "workflow") }
        // Over HTTP a workflow is a name in the workflows folder, never a path on the server.
        guard Engine.isWorkflowName(body.workflow) else {
            throw APIError.badRequest(EngineError.notAWorkflowName(String(body.workflow.prefix(200))).description, field: "workflow")
        }
        if body.datasetId != nil && body.datasetPath != nil {
            throw APIError.badRequest("give either 'dataset_id' or 'dataset_path', not both", field: "dataset_path")
        }
        var params = body.params ?? [:]
        if let modelType = body.modelType {
            if let given = params["model_type"], given != .string(modelType) {
                throw APIError.badRequest("'model_type' (\(modelType)) and 'params.model_type' disagree", field: "model_type")
            }
            params["model_type"] = .string(modelType)
        }
        let trigger: Trigger
        switch body.trigger ?? "api" {
        case "api": trigger = .api
        case "ui": trigger = .ui
        case let other: throw APIError.badRequest("'trigger' must be 'api' or 'ui', not '\(other)'", field: "trigger")
        }
        let datasetPath = body.datasetPath.map(services.dataPath)
        var request = SubmitRequest(workflow: body.workflow, params: params, datasetID: body.datasetId, datasetPath: datasetPath,
                                    inputs: body.inputs ?? [:], trigger: trigger)
        request.workflowIsName = true
        request.cache = body.cache ?? true
        return request
    }

    func summary(_ id: String) async throws -> RunSummaryView {
        guard let run = try await services.engine.run(id: id) else { throw APIError.notFound("run '\(id)' not found", code: "run_not_found") }
        return RunSummaryView(run.summary, now: services.engine.clock.now())
    }
}
