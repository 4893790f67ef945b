import FlowSpec
import Foundation

@testable import API

/// A small JSON Schema checker over the OpenAPI document: finds the operation for a request, the
/// response for its status, and checks the body's types, required fields, enums and nested items.
final class OpenAPIChecker: Sendable {
    static let shared = OpenAPIChecker()

    nonisolated(unsafe) let document: [String: Any]

    init() {
        document = (try? JSONSerialization.jsonObject(with: OpenAPIContract.bundled.json)) as? [String: Any] ?? [:]
    }

    var paths: [String: [String: Any]] { document["paths"] as? [String: [String: Any]] ?? [:] }

    /// The documented path template that `path` matches (`/api/runs/{id}`).
    func template(for path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (String, Int)?
        for template in paths.keys {
            let pattern = template.split(separator: "/", omittingEmptySubsequences: false)
            var literal = 0
            var matched = true
            for (index, piece) in pattern.enumerated() {
                if piece == "{path}" { if index < parts.count { literal += 0; break } else { matched = false; break } }
                guard index < parts.count else { matched = false; break }
                if piece.hasPrefix("{") { continue }
                if piece != parts[index] { matched = false; break }
                literal += 1
            }
            if matched, !pattern.contains("{path}"), pattern.count != parts.count { matched = false }
            if matched, best == nil || literal > best!.1 { best = (template, literal) }
        }
        return best?.0
    }

    func check(method: String, uri: String, status: Int, contentType: String, body: Data) -> [String] {
        let path = String(uri.split(separator: "?", maxSplits: 1).first ?? "")
        // The dashboard's pages and assets are not the API's.
        guard path.hasPrefix("/api/") || path == "/metrics" else { return [] }
        guard let template = template(for: path) else {
            // Unknown routes answer 404 in the error shape.
            return status == 404 ? checkError(body) : ["no documented path for \(path)"]
        }
        guard let operation = paths[template]?[method.lowercased()] as? [String: Any] else {
            return status == 404 || status == 405 ? [] : ["\(method) \(template) is not documented"]
        }
        let responses = operation["responses"] as? [String: Any] ?? [:]
        guard let documented = responses[String(status)] as? [String: Any] else {
            return ["status \(status) is not documented for \(method) \(template)"]
        }
        // Errors are shared: `$ref: '#/components/responses/NotFound'`.
        let response = resolve(documented)
        guard contentType.hasPrefix("application/json") else { return [] }
        guard let content = response["content"] as? [String: Any], let media = content["application/json"] as? [String: Any] else {
            return ["\(status) of \(method) \(template) documents no JSON body"]
        }
        guard let value = try? JSONDecoder().decode(Value.self, from: body) else { return ["body is not JSON"] }
        var problems: [String] = []
        validate(value, media["schema"] as? [String: Any] ?? [:], at: "$", into: &problems)
        return problems
    }

    func checkError(_ body: Data) -> [String] {
        guard let value = try? JSONDecoder().decode(Value.self, from: body) else { return ["error body is not JSON"] }
        var problems: [String] = []
        validate(value, ["$ref": "#/components/schemas/Error"], at: "$", into: &problems)
        return problems
    }

    /// A schema or response, or what its `$ref` (`#/components/schemas/Run`, `#/components/responses/NotFound`) names.
    func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String else { return schema }
        let parts = ref.split(separator: "/").map(String.init)
        guard parts.count == 4, parts[0] == "#", parts[1] == "components" else { return [:] }
        let kind = (document["components"] as? [String: Any])?[parts[2]] as? [String: Any]
        return kind?[parts[3]] as? [String: Any] ?? [:]
    }

    func validate(_ value: Value, _ raw: [String: Any], at path: String, into problems: inout [String]) {
        let schema = resolve(raw)
        var types: [String] = []
        if let type = schema["type"] as? String { types = [type] }
        if let list = schema["type"] as? [String] { types = list }
        if !types.isEmpty, !types.contains(where: { OpenAPIChecker.matches(value, $0) }) {
            problems.append("\(path): \(value.typeName) is not \(types.joined(separator: "|"))")
            return
        }
        if let allowed = schema["enum"] as? [Any], case .string(let text) = value, !allowed.contains(where: { ($0 as? String) == text }) {
            problems.append("\(path): '\(text)' is not one of \(allowed)")
        }
        if case .map(let object) = value {
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                problems.append("\(path).\(name) is required")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, item) in object {
                if let property = properties[key] as? [String: Any] {
                    validate(item, property, at: "\(path).\(key)", into: &problems)
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    validate(item, additional, at: "\(path).\(key)", into: &problems)
                } else if !properties.isEmpty {
                    problems.append("\(path).\(key) is not documented")
                }
            }
        }
        if case .list(let array) = value, let items = schema["items"] as? [String: Any] {
            for (index, item) in array.enumerated() { validate(item, items, at: "\(path)[\(index)]", into: &problems) }
        }
    }

    static func matches(_ value: Value, _ type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("object", .map), ("array", .list), ("string", .string), ("boolean", .bool), ("number", .number): true
        case ("integer", .number(let n)): n.rounded() == n
        default: false
        }
    }
}
