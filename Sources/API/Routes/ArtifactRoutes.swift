import Foundation
import Hummingbird

/// `GET /api/runs/{id}/artifacts/{path}`: a file a step wrote, streamed.
struct ArtifactRoutes {
    let services: APIServices

    func register(on router: some RouterMethods<APIRequestContext>) {
        router.get("/api/runs/{id}/artifacts/**") { request, context -> Response in
            let id = try await services.engine.resolveRunID(try context.parameters.path("id"))
            guard try await services.engine.run(id: id) != nil else {
                throw APIError.notFound("run '\(id)' not found", code: "run_not_found")
            }
            // The raw path, so that an encoded slash is seen as one.
            let raw = request.uri.path
            let marker = "/artifacts/"
            guard let range = raw.range(of: marker) else { throw APIError.badRequest("give a file path after /artifacts/", field: "path") }
            let rawComponents = raw[range.upperBound...].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            for part in rawComponents where part.lowercased().contains("%2f") || part.lowercased().contains("%5c") {
                throw APIError.badRequest("artifact path must not contain encoded slashes", field: "path", code: "path_not_allowed")
            }
            let components = rawComponents.map { $0.removingPercentEncoding ?? $0 }
            let url = try ArtifactFiles(layout: services.engine.layout).resolve(run: id, components: components)
            let handle: FileHandle
            do { handle = try FileHandle(forReadingFrom: url) } catch {
                throw APIError.notFound("artifact '\(components.joined(separator: "/"))' cannot be read", code: "artifact_not_found")
            }
            let body = FileResponseBody.make(handle)
            return Response(
                status: .ok,
                headers: [
                    .contentType: ArtifactFiles.contentType(url),
                    // Plots are SVG: never let one run script in the API's origin.
                    .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
                    .contentTypeOptions: "nosniff",
                    .contentDisposition: "inline; filename=\"\(url.lastPathComponent.replacingOccurrences(of: "\"", with: ""))\"",
                ], body: body)
        }
    }
}
