import Hummingbird

/// When the server requires a token, sends visitors of a dashboard page who have not given it
/// (bearer header or login cookie) to `/login`, which brings them back afterwards.
struct DashboardAuthMiddleware: RouterMiddleware {
    let token: String?

    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let token else { return try await next(request, context) }
        switch AuthMiddleware.credential(of: request, token: token) {
        case .bearer, .cookie:
            return try await next(request, context)
        case .missing, .wrong:
            return HTMLResponse.redirect(to: "/login?next=" + urlPart(request.uri.string))
        }
    }
}
