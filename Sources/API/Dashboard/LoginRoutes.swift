import Foundation
import Hummingbird

/// `GET /login`, `POST /login` (a form with `token` and `next`) and `POST /logout`.
struct LoginRoutes {
    let services: APIServices
    let page: LoginPage

    struct LoginForm: Decodable {
        var token: String
        var next: String?
    }

    func register(on router: Router<APIRequestContext>) {
        let page = self.page
        // `/login?token=…` is the link `flowrun serve` prints (as a notebook server does): it logs in
        // and redirects at once, so the token leaves the address bar; no-referrer keeps it out of
        // any other site's logs.
        router.get("/login") { request, _ -> Response in
            let query = Query(request: request)
            let next = LoginRoutes.safeNext(query.string("next"))
            guard let token = services.apiToken else { return HTMLResponse.redirect(to: next) }
            if let given = query.string("token") {
                guard AuthMiddleware.same(given, token) else {
                    return HTMLResponse.page(
                        try page.render(next: next, failed: true), status: .unauthorized,
                        headers: [.referrerPolicy: "no-referrer"])
                }
                return LoginRoutes.loggedIn(request: request, token: token, next: next)
            }
            return HTMLResponse.page(try page.render(next: next, failed: false))
        }
        router.post("/login") { request, context -> Response in
            guard let token = services.apiToken else { return HTMLResponse.redirect(to: "/") }
            let body = try await request.body.collect(upTo: 16 * 1024)
            let form = try? URLEncodedFormDecoder().decode(LoginForm.self, from: String(buffer: body))
            let next = LoginRoutes.safeNext(form?.next)
            guard let form, AuthMiddleware.same(form.token, token) else {
                return HTMLResponse.page(try page.render(next: next, failed: true), status: .unauthorized)
            }
            return LoginRoutes.loggedIn(request: request, token: token, next: next)
        }
        // Logging out only forgets the cookies, so it needs no CSRF check: the worst a forged
        // request can do is make the visitor log in again.
        router.post("/logout") { _, _ -> Response in
            var response = HTMLResponse.redirect(to: "/login")
            for cookie in DashboardCookies.logout() { response.setCookie(cookie) }
            return response
        }
    }

    /// The redirect to `next` that sets the login cookies.
    static func loggedIn(request: Request, token: String, next: String) -> Response {
        var response = HTMLResponse.redirect(to: next)
        response.headers[.referrerPolicy] = "no-referrer"
        let secure = request.uri.scheme == .https || request.headers[.forwardedProto] == "https"
        for cookie in DashboardCookies.login(apiToken: token, secure: secure) { response.setCookie(cookie) }
        return response
    }

    /// Where to go after login: a path on this server only (`/runs?x=1`), never another site
    /// (`//evil.example`, `/\evil.example`, `https://…`).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"),
            !next.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" })
        else { return "/" }
        return next
    }
}
