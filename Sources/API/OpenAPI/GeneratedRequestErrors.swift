import Foundation
import OpenAPIRuntime

/// The generated server refuses a request it cannot parse before any handler runs (a query
/// parameter that is not an integer, a required one missing) with its own words; this gives those
/// refusals the API's words — the ones the hand-written routes used (`Query`), which
/// `RecordedResponsesTests` holds to: `query parameter 'limit' must be an integer from 1 to 1000,
/// not 'abc'`, with `details.field`. The ranges come from the contract itself.
enum GeneratedRequestErrors {
    /// What the API says when a required query parameter is missing, by operation and parameter.
    static let missing: [String: String] = [
        "compareMetrics runs": "give run ids to compare: ?runs=ID1,ID2"
    ]

    /// The API's error for `error`: a handler's own error as it threw it, a refused request in the
    /// API's words.
    static func apiError(_ error: ServerError) -> APIError {
        guard error.operationInput == nil else { return ErrorMiddleware.apiError(error.underlyingError) }
        let query = URLComponents(string: error.request.path ?? "")?.queryItems ?? []
        for parameter in parameters[error.operationID] ?? [] {
            let given = query.first { $0.name == parameter.name }?.value ?? ""
            if given.isEmpty {
                guard parameter.required else { continue }
                let message = missing["\(error.operationID) \(parameter.name)"] ?? "query parameter '\(parameter.name)' is required"
                return .badRequest(message, field: parameter.name)
            }
            if parameter.type == "integer", Int(given) == nil {
                return Query.notAnInteger(parameter.name, given, in: parameter.minimum...parameter.maximum)
            }
        }
        return .badRequest("the request does not fit the API's contract: \(error.causeDescription)", field: nil)
    }

    struct Parameter {
        var name: String
        var required: Bool
        var type: String
        var minimum: Int
        var maximum: Int
    }

    /// The query parameters of each operation in openapi.yaml.
    static let parameters: [String: [Parameter]] = {
        let document = (try? JSONSerialization.jsonObject(with: OpenAPIContract.bundled.json)) as? [String: Any] ?? [:]
        var found: [String: [Parameter]] = [:]
        for case let item as [String: Any] in (document["paths"] as? [String: Any] ?? [:]).values {
            for case let operation as [String: Any] in item.values {
                guard let id = operation["operationId"] as? String else { continue }
                found[id] = (operation["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "query" }.map { raw in
                    let schema = raw["schema"] as? [String: Any] ?? [:]
                    return Parameter(
                        name: raw["name"] as? String ?? "", required: raw["required"] as? Bool ?? false,
                        type: schema["type"] as? String ?? "string",
                        minimum: schema["minimum"] as? Int ?? Int.min, maximum: schema["maximum"] as? Int ?? Int.max)
                }
            }
        }
        return found
    }()
}
