import FlowSpec

/// A workflow diagnostic on the wire: `file:line:column`, severity, message.
struct DiagnosticView: Codable, Sendable {
    var file: String
    var line: Int
    var column: Int
    var severity: String
    var message: String
    /// `file:line:column: severity: message`, as the CLI prints it.
    var text: String

    init(_ diagnostic: SpecDiagnostic) {
        file = diagnostic.file
        line = diagnostic.line
        column = diagnostic.column
        severity = diagnostic.severity.rawValue
        message = diagnostic.message
        text = diagnostic.description
    }

    var value: Value {
        .map([
            "file": .string(file), "line": .number(Double(line)), "column": .number(Double(column)),
            "severity": .string(severity), "message": .string(message), "text": .string(text),
        ])
    }
}
