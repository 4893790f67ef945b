import Foundation
import Hummingbird

/// The dashboard's two cookies, both `SameSite=Strict`: the token, `HttpOnly` so that no script can
/// read it, and the CSRF value, readable by the page's script on purpose: it echoes it in
/// `X-CSRF-Token` (double-submit), which a page on another site cannot do.
enum DashboardCookies {
    static let token = "flowrun_token"
    static let csrf = "flowrun_csrf"

    /// The cookies a successful login sets. `secure` when the request came over HTTPS (directly or
    /// through a proxy that says so); a plain-HTTP server on a LAN could not set Secure cookies.
    static func login(apiToken: String, secure: Bool) -> [Cookie] {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = apiToken.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
        return [
            Cookie(name: token, value: encoded, path: "/", secure: secure, httpOnly: true, sameSite: .strict),
            Cookie(name: csrf, value: newCSRFValue(), path: "/", secure: secure, httpOnly: false, sameSite: .strict),
        ]
    }

    /// Expired copies of both, for logout.
    static func logout() -> [Cookie] {
        [
            Cookie(name: token, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict),
            Cookie(name: csrf, value: "", maxAge: 0, path: "/", httpOnly: false, sameSite: .strict),
        ]
    }

    /// 32 random bytes as hex.
    static func newCSRFValue() -> String {
        RandomHex.make(bytes: 32)
    }
}
