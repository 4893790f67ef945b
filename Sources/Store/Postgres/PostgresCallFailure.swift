/// Why a call on a PostgreSQL connection ended without the server's answer. All are transient:
/// ``PostgresBackend`` tries again on a fresh connection.
enum PostgresCallFailure: Error, CustomStringConvertible {
    /// The connection had closed before the statement was written: the server never saw it.
    case closedBeforeSending(statement: String)
    /// The connection closed while the statement was in flight: it may or may not have run.
    case closedWhileWaiting(statement: String)
    /// No answer before the call's deadline: the connection was closed, so the server rolls back
    /// whatever transaction was open on it.
    case deadlineExceeded(statement: String, timeout: Duration)
    /// No pooled connection before the call's deadline (the server unreachable, or the pool busy).
    case noConnection(timeout: Duration)

    var description: String {
        switch self {
        case .closedBeforeSending(let statement):
            return "the connection had closed before \(statement) was sent"
        case .closedWhileWaiting(let statement):
            return "the connection closed while waiting for \(statement)"
        case .deadlineExceeded(let statement, let timeout):
            return "no answer to \(statement) within \(timeout) (the call's deadline); connection closed"
        case .noConnection(let timeout):
            return "no database connection within \(timeout) (the call's deadline)"
        }
    }

    /// The start of a statement's SQL, for messages: enough to tell which write it was.
    static func excerpt(_ sql: String) -> String {
        let line = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return line.count <= 60 ? "'\(line)'" : "'\(line.prefix(57))…'"
    }
}
