import Foundation
import Hummingbird

/// Refuses what another web page could make a visitor's browser send: any page can POST to
/// `127.0.0.1:8080` without a CORS preflight as long as its body is `text/plain`, a form, or empty.
///
/// A state-changing request (anything but GET, HEAD, OPTIONS) must
/// - come from this server's own pages or from no page at all: `Sec-Fetch-Site` absent, `same-origin`
///   or `none`; `Origin` absent, equal to the `Host` it was sent to, or one of `trustedOrigins`;
/// - declare a body type no page can send cross-site without a preflight: `application/json`
///   (`application/yaml` where documented); the login form's `application/x-www-form-urlencoded` on
///   `/login` and `/logout` only, which the origin check above already guards. A request with no
///   body may declare nothing.
///
/// Without a token (`serve --no-auth`, loopback only) every request must also name a loopback
/// `Host`: a page whose DNS name was rebound to 127.0.0.1 arrives with its own name and is refused.
struct CrossSiteMiddleware: RouterMiddleware {
    /// True when the server has no token: only `localhost`, `127.x.x.x` and `[::1]` hosts are served.
    let loopbackHostsOnly: Bool
    /// Origins besides the server's own that may change things (`FLOWRUN_PUBLIC_URL`, behind a proxy).
    let trustedOrigins: Set<String>

    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }

    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let authority = request.head.authority ?? ""
        if loopbackHostsOnly, !Loopback.isLoopback(authority: authority) {
            throw APIError(
                status: .forbidden, code: "host_not_allowed",
                message: "this server runs without a token (--no-auth) and answers only to localhost, 127.0.0.1 or [::1]")
        }
        guard !Self.isSafe(request.method) else { return try await next(request, context) }

        if let site = request.headers[.secFetchSite], site != "same-origin", site != "none" {
            throw APIError.crossSite("the request came from another site (Sec-Fetch-Site: \(site.prefix(20)))")
        }
        if let origin = request.headers[.origin], !trustedOrigins.contains(origin),
            Self.authority(ofOrigin: origin)?.lowercased() != authority.lowercased()
        {
            throw APIError.crossSite("the request came from another origin (\(origin.prefix(100)))")
        }
        let mediaType = Self.mediaType(request.headers[.contentType])
        // No type and no body (`curl -X POST …/cancel`) is fine: a page could send that only
        // cross-site, and the origin checks above refuse it.
        let bodyless = request.headers[.transferEncoding] == nil && (request.headers[.contentLength] ?? "0") == "0"
        guard (mediaType.isEmpty && bodyless) || Self.accepted(mediaType, path: request.uri.path) else {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_media_type",
                message: "a \(request.method.rawValue) request with a body must send 'Content-Type: application/json'"
                    + (request.uri.path == "/api/workflows/validate" ? " (or application/yaml)" : "")
                    + (mediaType.isEmpty ? "; it sent none" : ", not '\(mediaType.prefix(100))'"),
                details: ["field": "Content-Type"])
        }
        return try await next(request, context)
    }

    /// The body types a state-changing request may declare at `path` (the raw path: an odd spelling
    /// of a path that accepts more only gets the JSON rule, which is the safe side).
    static func accepted(_ mediaType: String, path: String) -> Bool {
        switch path {
        case "/login", "/logout": mediaType == "application/x-www-form-urlencoded"
        case "/api/workflows/validate": ["application/json", "application/yaml", "application/x-yaml", "text/yaml"].contains(mediaType)
        default: mediaType == "application/json"
        }
    }

    /// `application/json; charset=utf-8` → `application/json`.
    static func mediaType(_ header: String?) -> String {
        guard let header else { return "" }
        return header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    /// `http://127.0.0.1:8080` → `127.0.0.1:8080`; `null` and anything unparsable → nil.
    static func authority(ofOrigin origin: String) -> String? {
        guard let schemeEnd = origin.range(of: "://") else { return nil }
        let rest = origin[schemeEnd.upperBound...]
        guard !rest.isEmpty, !rest.contains("/") else { return nil }
        let scheme = origin[..<schemeEnd.lowerBound].lowercased()
        // An origin omits a default port; a Host header may carry it.
        if scheme == "http", rest.hasSuffix(":80") { return String(rest.dropLast(3)) }
        if scheme == "https", rest.hasSuffix(":443") { return String(rest.dropLast(4)) }
        return String(rest)
    }
}

extension APIError {
    static func crossSite(_ reason: String) -> APIError {
        APIError(
            status: .forbidden, code: "cross_site",
            message: "refused: \(reason); only this server's own pages and clients that are not browsers may change things")
    }
}
