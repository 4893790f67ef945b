import Engine
import Hummingbird

/// A run page asked for by another name than its id (`/runs/latest`, `/runs/20261126-1624`): the
/// dashboard redirects to the run's own address, so the page, its live part and its links all use the
/// id, and a bookmark of `/runs/latest` always opens the newest run.
enum RunReferencePages {
    /// nil when `reference` is the run's id; else the redirect, or the not-found page saying why.
    static func redirect(_ reference: String, suffix: String = "", services: APIServices, renderer: PageRenderer) async throws -> Response?
    {
        do {
            let id = try await services.engine.resolveRunID(reference)
            guard id != reference else { return nil }
            return Response(status: .found, headers: [.location: "/runs/" + urlPart(id) + suffix])
        } catch let error as RunReferenceError {
            return try renderer.notFound(error.description + ".", section: .runs)
        } catch EngineError.runNotFound {
            return try renderer.notFound("There is no run '\(reference)'.", section: .runs)
        }
    }
}
