import Foundation
import Hummingbird

/// `GET /api/metrics/compare?runs=a,b,c`: metrics of several runs side by side.
struct CompareRoutes {
    let services: APIServices

    func register(on router: some RouterMethods<APIRequestContext>) {
        router.get("/api/metrics/compare") { request, _ -> Response in
            let ids = (Query(request: request).string("runs") ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !ids.isEmpty else { throw APIError.badRequest("give run ids to compare: ?runs=ID1,ID2", field: "runs") }
            guard ids.count <= 50 else { throw APIError.badRequest("compare at most 50 runs at once, not \(ids.count)", field: "runs") }
            var columns: [CompareRun] = []
            var names: Set<String> = []
            for id in ids {
                guard let run = try await services.engine.run(id: id) else {
                    throw APIError(status: .notFound, code: "run_not_found", message: "run '\(id)' not found", details: ["field": "runs"])
                }
                var metrics: [String: Double] = [:]
                for metric in try await services.engine.metrics(runID: id) {
                    metrics[metric.stepID + "." + metric.name] = metric.value
                }
                names.formUnion(metrics.keys)
                columns.append(CompareRun(id: run.id, workflow: run.workflowName, state: run.state.rawValue, createdAt: run.createdAt,
                                          params: JSONText.value(run.paramsJSON, fallback: .map([:])), metrics: metrics))
            }
            return try APIJSON.response(CompareView(metrics: names.sorted(), runs: columns))
        }
    }
}
