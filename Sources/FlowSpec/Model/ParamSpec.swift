import Foundation

/// A declared param with its type, default and allowed values.
public struct ParamSpec: Sendable, Equatable {
    public var name: String
    public var type: ParamType
    public var defaultValue: Value?
    /// `enum:` — when set, values must be one of these.
    public var allowed: [Value]?
    public var description: String

    /// Checks a value against the type and `enum`; integral numbers stay numbers.
    public func check(_ value: Value) throws(ParamError) -> Value {
        guard type.accepts(value) else {
            throw ParamError(param: name, message: "expected \(type.phrase), got \(value.typeName) \(value.jsonText)")
        }
        if let allowed, !allowed.contains(value) {
            throw ParamError(
                param: name,
                message: "expected one of \(allowed.map(\.jsonText).joined(separator: ", ")), got \(value.jsonText)"
                    + (value.stringValue.map { Suggestion.hint(for: $0, in: allowed.compactMap(\.stringValue)) } ?? ""))
        }
        return value
    }

    /// Parses command-line text (`--param name=value`) as this param's type.
    public func parse(_ text: String) throws(ParamError) -> Value {
        let value: Value
        switch type {
        case .string: value = .string(text)
        case .number, .integer:
            guard let n = Double(text.trimmingCharacters(in: .whitespaces)) else {
                throw ParamError(param: name, message: "expected \(type.phrase), got \"\(text)\"")
            }
            value = .number(n)
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "1", "on": value = .bool(true)
            case "false", "no", "0", "off": value = .bool(false)
            default: throw ParamError(param: name, message: "expected true or false, got \"\(text)\"")
            }
        case .list:
            if text.hasPrefix("["), let parsed = Value(jsonText: text) {
                value = parsed
            } else {
                value = .list(text.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
            }
        case .map:
            guard let parsed = Value(jsonText: text), case .map = parsed else {
                throw ParamError(param: name, message: "expected a JSON object, got \"\(text)\"")
            }
            value = parsed
        }
        return try check(value)
    }
}

/// The types a param may declare.
public enum ParamType: String, Sendable, CaseIterable {
    case string, number, integer, bool, list, map

    func accepts(_ value: Value) -> Bool {
        switch (self, value) {
        case (.string, .string), (.number, .number), (.bool, .bool), (.list, .list), (.map, .map): true
        case (.integer, .number): value.intValue != nil
        default: false
        }
    }

    var phrase: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .integer: "an integer"
        case .bool: "true or false"
        case .list: "a list"
        case .map: "a map"
        }
    }
}
