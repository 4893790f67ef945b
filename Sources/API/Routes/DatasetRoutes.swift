import Engine
import Foundation
import Hummingbird

/// `POST /api/datasets`, by hand: its body errors name the field as the recorded answers do. The
/// list and one dataset are ``ContractRoutes``'.
struct DatasetRoutes {
    let services: APIServices

    func register(on router: some RouterMethods<APIRequestContext>) {
        router.post("/api/datasets") { request, context -> Response in
            let body = try await APIJSON.decode(RegisterDatasetBody.self, from: request, context: context)
            guard !body.path.isEmpty else { throw APIError.badRequest("'path' must not be empty", field: "path") }
            let before = services.engine.clock.now()
            let record = try await services.engine.registerDataset(path: services.dataPath(body.path))
            // The engine returns the existing record for content it already knows.
            let created = record.registeredAt >= before
            return try APIJSON.response(
                DatasetView(record), status: created ? .created : .ok,
                headers: [.location: "/api/datasets/\(record.id)"])
        }
    }
}
