import Foundation
import Hummingbird

/// `GET /api/runs/{id}/logs`: the tail of a step attempt's log (`step`, `attempt`) or of the run's log.
struct LogRoutes {
    let services: APIServices

    func register(on router: some RouterMethods<APIRequestContext>) {
        router.get("/api/runs/{id}/logs") { request, context -> Response in
            let id = try await services.engine.resolveRunID(try context.parameters.path("id"))
            let query = Query(request: request)
            let lines = try query.int("lines", default: 200, in: 1...10_000) ?? 200
            guard try await services.engine.run(id: id) != nil else {
                throw APIError.notFound("run '\(id)' not found", code: "run_not_found")
            }
            let layout = services.engine.layout
            guard let stepID = query.string("step") else {
                if query.string("attempt") != nil {
                    throw APIError.badRequest("'attempt' needs 'step'", field: "attempt")
                }
                let tail = try LogTail.read(layout.runLog(run: id), lines: lines)
                return try APIJSON.response(LogTailView(runId: id, step: nil, attempt: nil, lines: tail.lines, truncated: tail.truncated))
            }
            let steps = try await services.engine.steps(runID: id)
            guard let step = steps.first(where: { $0.stepID == stepID }) else {
                throw APIError.badRequest(
                    "run '\(id)' has no step '\(stepID)' (steps: \(steps.map(\.stepID).joined(separator: ", ")))", field: "step")
            }
            let latest = max(step.attempt, 1)
            let attempt = try query.int("attempt", default: latest, in: 1...max(latest, 1)) ?? latest
            let tail = try LogTail.read(layout.stepLog(run: id, step: step.stepID, attempt: attempt), lines: lines)
            return try APIJSON.response(
                LogTailView(runId: id, step: stepID, attempt: attempt, lines: tail.lines, truncated: tail.truncated))
        }
    }
}
