import FlowSpec
import Foundation

/// The store keeps params, inputs, outputs and schemas as JSON texts; the API sends them as JSON.
enum JSONText {
    static func value(_ text: String, fallback: Value = .null) -> Value {
        guard let data = text.data(using: .utf8), let value = try? JSONDecoder().decode(Value.self, from: data) else {
            return fallback
        }
        return value
    }
}
