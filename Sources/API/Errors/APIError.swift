import Engine
import FlowSpec
import Foundation
import Hummingbird
import Store

/// Every error the API returns, in one shape: `{"error": {"code", "message", "details"}}`.
///
/// `details.field` names the request field (body key or query parameter) that was wrong.
public struct APIError: Error, Sendable, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A stable, machine-readable word: `bad_request`, `not_found`, `conflict`, …
    public var code: String
    public var message: String
    public var details: [String: Value]

    public init(status: HTTPResponse.Status, code: String, message: String, details: [String: Value] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public static func badRequest(_ message: String, field: String?, code: String = "bad_request") -> APIError {
        APIError(status: .badRequest, code: code, message: message, details: field.map { ["field": .string($0)] } ?? [:])
    }

    public static func notFound(_ message: String, code: String = "not_found") -> APIError {
        APIError(status: .notFound, code: code, message: message)
    }

    public static func conflict(_ message: String) -> APIError {
        APIError(status: .conflict, code: "conflict", message: message)
    }

    public static func tooLarge(limit: Int) -> APIError {
        APIError(
            status: .contentTooLarge, code: "payload_too_large",
            message: "the request body is larger than \(limit) bytes", details: ["limit_bytes": .number(Double(limit))])
    }

    public static let unauthorized = APIError(
        status: .unauthorized, code: "unauthorized",
        message: "this server requires 'Authorization: Bearer <token>' (the FLOWRUN_API_TOKEN it was started with)")

    /// A body that does not decode: names the field by its JSON path.
    init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? APIError.snake($0.stringValue) }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            self = .badRequest("'\(field)' is required", field: field)
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            self = .badRequest("'\(field)' must be \(APIError.phrase(type))", field: field.isEmpty ? nil : field)
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            self = .badRequest("'\(field)' must be \(APIError.phrase(type)), not null", field: field)
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty {
                self = .badRequest("the body is not valid JSON", field: nil, code: "invalid_json")
            } else {
                self = .badRequest("'\(field)': \(context.debugDescription)", field: field)
            }
        @unknown default:
            self = .badRequest("the body does not fit the schema", field: nil)
        }
    }

    static func phrase(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default:
            String(describing: type).hasPrefix("Dictionary")
                ? "an object" : String(describing: type).hasPrefix("Array") ? "an array" : "a \(type)"
        }
    }

    /// `datasetID` → `dataset_id`, as the wire spells it.
    static func snake(_ key: String) -> String {
        var out = ""
        for (index, char) in key.enumerated() {
            if char.isUppercase {
                if index > 0 { out.append("_") }
                out.append(contentsOf: char.lowercased())
            } else {
                out.append(char)
            }
        }
        return out
    }

    // MARK: Mapping from the layers below

    /// Maps the engine's and the store's errors to HTTP. `field` names the body field a workflow,
    /// dataset or path came from, for requests that carry one.
    init(_ error: EngineError) {
        switch error {
        case .workflowNotFound:
            self = APIError(status: .notFound, code: "workflow_not_found", message: error.description, details: ["field": "workflow"])
        case .notAWorkflowName:
            self = .badRequest(error.description, field: "workflow")
        case .invalidWorkflow(let diagnostics):
            self = APIError(
                status: .badRequest, code: "invalid_workflow", message: error.description,
                details: ["field": "workflow", "diagnostics": .list(diagnostics.map(DiagnosticView.init).map(\.value))])
        case .badParam(let message):
            // ParamError reads "param 'name': …".
            var field = "params"
            if let start = message.range(of: "param '"), let end = message[start.upperBound...].firstIndex(of: "'") {
                field = "params." + message[start.upperBound..<end]
            }
            self = .badRequest(message, field: field)
        case .missingInput(let name):
            self = .badRequest("input '\(name)' is required: give dataset_id or dataset_path", field: "dataset_id")
        case .datasetNotFound:
            self = APIError(status: .notFound, code: "dataset_not_found", message: error.description, details: ["field": "dataset_id"])
        case .datasetRejected:
            self = .badRequest(error.description, field: "dataset_id", code: "dataset_rejected")
        case .noDatasetInput:
            self = .badRequest(error.description, field: "dataset_id", code: "no_dataset_input")
        case .pathOutsideRoots:
            self = .badRequest(error.description, field: "path", code: "path_not_allowed")
        case .fileNotFound:
            self = .badRequest(error.description, field: "path", code: "file_not_found")
        case .unreadable:
            self = .badRequest(error.description, field: "path", code: "file_unreadable")
        case .runNotFound:
            self = .notFound(error.description, code: "run_not_found")
        }
    }

    init(_ error: StoreError) {
        switch error {
        case .conflict(let message): self = .conflict(message)
        case .notFound(let message): self = .notFound(message)
        case .schemaTooNew, .unavailable:
            self = APIError(status: .serviceUnavailable, code: "store_unavailable", message: error.description)
        }
    }

    /// The body of the error response.
    struct Body: Encodable {
        struct Inner: Encodable {
            var code: String
            var message: String
            var details: [String: Value]
        }
        var error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try APIJSON.response(Body(error: .init(code: code, message: message, details: details)), status: status)
    }
}
