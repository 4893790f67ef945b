import SQLKit

/// Run and step states in SQL text as their enums' raw values (`state = \(StepState.ready)`), so a
/// misspelled state cannot compile, and the database holds exactly what decoding accepts.
extension SQLQueryString {
    mutating func appendInterpolation(_ state: StepState) {
        appendInterpolation(literal: state.rawValue)
    }

    mutating func appendInterpolation(_ state: RunState) {
        appendInterpolation(literal: state.rawValue)
    }

    /// `(… , …)` for `state IN \(states)`.
    mutating func appendInterpolation(_ states: [StepState]) {
        appendInterpolation(unsafeRaw: "(")
        appendInterpolation(literals: states.map(\.rawValue), joinedBy: ", ")
        appendInterpolation(unsafeRaw: ")")
    }
}
