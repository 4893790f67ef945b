import FlowSpec

/// A step's resolved `with:` map, with typed accessors whose errors name the parameter.
public struct Parameters: Sendable, Equatable {
    public let values: [String: Value]

    public init(_ values: [String: Value]) { self.values = values }

    public subscript(name: String) -> Value? { values[name] }

    public func string(_ name: String) throws -> String {
        guard let v = values[name] else { throw StepError.missingParameter(name) }
        switch v {
        case .string(let s): return s
        case .number, .bool: return v.interpolated
        default: throw StepError.badParameter(name, expected: "a string", got: v)
        }
    }

    public func string(_ name: String, default fallback: String) throws -> String {
        values[name] == nil || values[name] == .null ? fallback : try string(name)
    }

    public func double(_ name: String) throws -> Double {
        guard let v = values[name] else { throw StepError.missingParameter(name) }
        switch v {
        case .number(let n): return n
        case .string(let s): if let n = Double(s) { return n }
        default: break
        }
        throw StepError.badParameter(name, expected: "a number", got: v)
    }

    public func double(_ name: String, default fallback: Double) throws -> Double {
        values[name] == nil || values[name] == .null ? fallback : try double(name)
    }

    public func int(_ name: String) throws -> Int {
        let n = try double(name)
        guard n.rounded() == n, abs(n) < 1e15 else {
            throw StepError.badParameter(name, expected: "an integer", got: values[name] ?? .null)
        }
        return Int(n)
    }

    public func int(_ name: String, default fallback: Int) throws -> Int {
        values[name] == nil || values[name] == .null ? fallback : try int(name)
    }

    public func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let v = values[name], v != .null else { return fallback }
        switch v {
        case .bool(let b): return b
        case .string("true"): return true
        case .string("false"): return false
        default: throw StepError.badParameter(name, expected: "true or false", got: v)
        }
    }

    public func strings(_ name: String, default fallback: [String]) throws -> [String] {
        guard let v = values[name], v != .null else { return fallback }
        switch v {
        case .list(let items):
            return try items.map {
                guard case .string(let s) = $0 else {
                    throw StepError.badParameter(name, expected: "a list of strings", got: v)
                }
                return s
            }
        case .string(let s): return [s]
        default: throw StepError.badParameter(name, expected: "a list of strings", got: v)
        }
    }
}

/// A step's own failure with a message that names the place.
public enum StepError: Error, Equatable, CustomStringConvertible {
    case missingParameter(String)
    case badParameter(String, expected: String, got: Value)
    /// The input is wrong in a way another attempt would meet again (see ``PermanentFailure``).
    case invalidInput(String)
    /// Anything else; the attempt is retried as the workflow says.
    case failed(String)

    public var description: String {
        switch self {
        case .missingParameter(let name): "with.\(name): required parameter is missing"
        case .badParameter(let name, let expected, let got):
            "with.\(name): expected \(expected), got \(got.typeName) \(got.jsonText)"
        case .invalidInput(let message), .failed(let message): message
        }
    }
}
