import Foundation
import Hummingbird

/// Guards every route that is not on ``OpenRoutes``: it is added to the router group those routes are
/// registered on, so the decision is taken on the route the router matched — however the path was
/// spelled (`//api/runs`, `/./api/runs`, `%2F`, a trailing slash) — never on the raw path text.
///
/// A request shows `Authorization: Bearer <token>`, or the dashboard's `flowrun_token` cookie; a
/// state-changing request let in by the cookie must also carry `X-CSRF-Token` equal to the
/// `flowrun_csrf` cookie (double-submit). Without a token (`serve --no-auth`) everything passes.
struct AuthMiddleware: RouterMiddleware {
    let token: String?

    /// What a request shows to prove it may in.
    enum Credential {
        case bearer, cookie, missing, wrong
    }

    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let token else { return try await next(request, context) }
        switch AuthMiddleware.credential(of: request, token: token) {
        case .bearer:
            return try await next(request, context)
        case .cookie:
            if !CrossSiteMiddleware.isSafe(request.method) {
                guard let csrf = request.cookies[DashboardCookies.csrf]?.value, !csrf.isEmpty,
                    let sent = request.headers[.csrfToken], AuthMiddleware.same(sent, csrf)
                else {
                    throw APIError(
                        status: .forbidden, code: "csrf",
                        message: "a request authenticated by cookie must carry the X-CSRF-Token header (the flowrun_csrf cookie's value)")
                }
            }
            var context = context
            context.authenticatedByCookie = true
            return try await next(request, context)
        case .missing, .wrong:
            throw APIError.unauthorized
        }
    }

    /// A bearer header decides alone (a wrong one is not rescued by a cookie); without one, the
    /// dashboard's cookie, which holds the token percent-encoded.
    static func credential(of request: Request, token: String) -> Credential {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return same(String(header.dropFirst("Bearer ".count)), token) ? .bearer : .wrong
        }
        guard let cookie = request.cookies[DashboardCookies.token]?.value else { return .missing }
        return same(cookie.removingPercentEncoding ?? cookie, token) ? .cookie : .wrong
    }

    /// Compares in time independent of where the texts differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            diff |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return diff == 0
    }
}
