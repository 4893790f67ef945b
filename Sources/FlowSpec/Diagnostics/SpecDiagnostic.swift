/// One problem in a workflow file, printed as `file:line:column: error: message` — the format
/// editors and CI annotate.
public struct SpecDiagnostic: Sendable, Hashable, Codable, CustomStringConvertible, Error {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    public var file: String
    public var line: Int
    public var column: Int
    public var severity: Severity
    public var message: String

    public init(file: String, line: Int, column: Int, severity: Severity, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    public var description: String {
        "\(file):\(line):\(column): \(severity.rawValue): \(message)"
    }
}
