import FlowSpec
import Foundation

/// The store keeps params, inputs, outputs and schemas as JSON texts; the API sends them as JSON.
enum JSONText {
    static func value(_ text: String, fallback: Value = .null) -> Value {
        Value(jsonText: text) ?? fallback
    }
}
