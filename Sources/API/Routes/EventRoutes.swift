import Foundation
import Hummingbird

/// `GET /api/runs/{id}/events`: Server-Sent Events of the run's state changes and log lines.
struct EventRoutes {
    let services: APIServices

    func register(on router: some RouterMethods<APIRequestContext>) {
        router.get("/api/runs/{id}/events") { request, context -> Response in
            let id = try await services.engine.resolveRunID(try context.parameters.path("id"))
            guard try await services.engine.run(id: id) != nil else {
                throw APIError.notFound("run '\(id)' not found", code: "run_not_found")
            }
            var after = Int64(try Query(request: request).int("after", default: 0, in: 0...Int.max) ?? 0)
            if let header = request.headers[.lastEventID], let id = Int64(header), id > after { after = id }
            let stream = RunEventStream(services: services, runID: id, after: after)
            let body = ResponseBody { writer in
                try await stream.write(to: &writer)
                try await writer.finish(nil)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/event-stream; charset=utf-8",
                    .cacheControl: "no-cache",
                    .accelBuffering: "no",
                ], body: body)
        }
    }
}
