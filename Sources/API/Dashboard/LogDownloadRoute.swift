import Foundation
import Hummingbird

/// `GET /runs/{id}/log?step=…&attempt=…`: a whole log file, for the run page's "download log" link
/// (the API's `/api/runs/{id}/logs` answers the last lines as JSON). Without `step`, the run's own
/// log. The file is named only through the run's steps (a step id that is not one of the run's is
/// refused before any path is made) and served as a plain-text attachment that no browser renders.
struct LogDownloadRoute {
    let services: APIServices
    let renderer: PageRenderer

    func register(on router: some RouterMethods<APIRequestContext>) {
        let services = self.services, renderer = self.renderer
        router.get("/runs/{id}/log") { request, context -> Response in
            let id = try context.parameters.path("id")
            guard try await services.engine.run(id: id) != nil else {
                return try renderer.notFound("There is no run '\(id)'.", section: .runs)
            }
            let query = Query(request: request)
            let layout = services.engine.layout
            let url: URL, name: String
            if let stepID = query.string("step") {
                let steps = try await services.engine.steps(runID: id)
                guard let step = steps.first(where: { $0.stepID == stepID }) else {
                    return try renderer.notFound("Run '\(id)' has no step '\(stepID)'.", section: .runs)
                }
                let latest = max(step.attempt, 1)
                let attempt = try query.int("attempt", default: latest, in: 1...latest) ?? latest
                url = layout.stepLog(run: id, step: step.stepID, attempt: attempt)
                name = "\(id)-\(step.stepID).\(attempt).log"
            } else {
                url = layout.runLog(run: id)
                name = "\(id)-run.log"
            }
            guard let handle = try? FileHandle(forReadingFrom: url) else {
                return try renderer.notFound("That log has no lines: the attempt wrote nothing.", section: .runs)
            }
            let body = FileResponseBody.make(handle)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/plain; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"\(Self.safeFileName(name))\"",
                    .contentSecurityPolicy: "default-src 'none'; sandbox",
                    .contentTypeOptions: "nosniff",
                    .cacheControl: "no-store",
                ], body: body)
        }
    }

    /// Letters, digits, `.`, `-` and `_` only: nothing that could end the quoted header value.
    static func safeFileName(_ name: String) -> String {
        String(
            name.unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_": Character(scalar)
                default: "_"
                }
            })
    }
}
