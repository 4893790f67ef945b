import Hummingbird

/// Reads query parameters, refusing bad ones with a 400 that names them.
struct Query {
    let request: Request

    func string(_ name: String) -> String? {
        guard let value = request.uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }

    func int(_ name: String, default fallback: Int?, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else { throw Query.notAnInteger(name, text, in: range) }
        return value
    }

    /// A query integer the generated server parsed (nil when not given), checked against its range.
    static func check(_ name: String, _ value: Int?, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let value else { return fallback }
        guard range.contains(value) else { throw notAnInteger(name, String(value), in: range) }
        return value
    }

    static func notAnInteger(_ name: String, _ text: String, in range: ClosedRange<Int>) -> APIError {
        APIError.badRequest(
            "query parameter '\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text)'", field: name)
    }

    func oneOf<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest("query parameter '\(name)' must be one of \(allowed), not '\(text)'", field: name)
        }
        return value
    }
}

extension Parameters {
    /// A path parameter the route declares.
    func path(_ name: String) throws -> String {
        guard let value = get(name) else { throw APIError.badRequest("missing path parameter '\(name)'", field: name) }
        return value
    }
}
