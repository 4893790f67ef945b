import Foundation
import Hummingbird

/// Escapes text for HTML content and quoted attribute values, per Unicode scalar (a quote followed
/// by a combining mark is still a quote to a browser). The templates escape every value through it
/// (``ScalarHTMLContentType``), and so do the charts' SVG helpers (`Charts/`), the one markup
/// still written in Swift.
func html(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// Percent-encodes one path segment or query value for a link (then escape the link with ``html(_:)``).
func urlPart(_ text: String) -> String {
    let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
}

/// Responses of the dashboard's pages.
enum HTMLResponse {
    /// Scripts and styles only from this server's `/assets/`, no inline script, no framing: an
    /// escaping slip cannot turn into running script.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    static func page(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.contentSecurityPolicy] = contentSecurityPolicy
        fields[.cacheControl] = "no-store"
        fields[.contentTypeOptions] = "nosniff"
        fields[.referrerPolicy] = "same-origin"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
