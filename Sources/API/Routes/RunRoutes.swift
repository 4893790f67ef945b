import Engine
import FlowSpec
import Foundation
import Hummingbird
import NIOCore
import Store

/// `POST /api/runs` and `GET /api/runs`, written by hand: the submission's errors name the body's
/// fields as the recorded answers do, and the list is the measured fast path (``RunPageJSON``).
/// A run, cancel and retry are ``ContractRoutes``'.
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
            var runQuery = RunQuery(
                state: try query.oneOf("state", RunState.self), workflow: query.string("workflow"),
                datasetID: query.string("dataset"), limit: limit + 1, before: query.string("before"))
            if let before = runQuery.before, try await services.engine.run(id: before) == nil {
                throw APIError.badRequest("cursor 'before': run '\(before)' not found", field: "before")
            }
            runQuery.limit = limit + 1
            let runs = try await services.engine.runSummaries(runQuery)
            let now = services.engine.clock.now()
            let page = Array(runs.prefix(limit))
            let body = RunPageJSON.encode(
                RunPage(
                    runs: page.map { RunSummaryView($0, now: now) },
                    nextBefore: runs.count > limit ? page.last?.id : nil))
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
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
        var request = SubmitRequest(
            workflow: body.workflow, params: params, datasetID: body.datasetId, datasetPath: datasetPath,
            inputs: body.inputs ?? [:], trigger: trigger)
        request.workflowIsName = true
        request.cache = body.cache ?? true
        if let priority = body.priority {
            guard (-100...100).contains(priority) else {
                throw APIError.badRequest("'priority' must be from -100 to 100, not \(priority)", field: "priority")
            }
            request.priority = priority
        }
        return request
    }
}
