import Engine
import Foundation
import Hummingbird

/// `POST /api/datasets`, `GET /api/datasets`, `GET /api/datasets/{id}`.
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
            return try APIJSON.response(DatasetView(record), status: created ? .created : .ok,
                                        headers: [.location: "/api/datasets/\(record.id)"])
        }
        router.get("/api/datasets") { request, _ -> Response in
            let limit = try Query(request: request).int("limit", default: 100, in: 1...1000) ?? 100
            let records = try await services.engine.datasets(limit: limit)
            return try APIJSON.response(DatasetList(datasets: records.map(DatasetView.init)))
        }
        router.get("/api/datasets/{id}") { _, context -> Response in
            let id = try context.parameters.path("id")
            guard let record = try await services.engine.dataset(id: id) else {
                throw APIError.notFound("dataset '\(id)' not found", code: "dataset_not_found")
            }
            return try APIJSON.response(DatasetView(record))
        }
    }
}
