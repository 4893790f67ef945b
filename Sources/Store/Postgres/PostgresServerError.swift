import PostgresNIO

/// An error the server reported, as it comes out of a named prepared statement.
///
/// PostgresNIO's public API for a prepared statement whose SQL is only known at run time
/// (`PostgresDatabase.prepare(query:)`, `PreparedQuery.execute`) goes through its legacy layer,
/// which turns a `PSQLError` into the legacy `PostgresError`. ``GuardedConnection`` turns that back
/// into this type, so the backend's rules (what is transient, what leaves the connection unknown,
/// the message a worker shows) read one place: ``sqlState`` and ``message``.
struct PostgresServerError: Error, CustomStringConvertible {
    let sqlState: String
    let message: String

    var description: String { "\(message) (SQLSTATE \(sqlState))" }

    /// The server's error in `error`, from either API; nil for anything else.
    static func reported(_ error: any Error) -> PostgresServerError? {
        if let error = error as? PostgresServerError { return error }
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] {
            return PostgresServerError(sqlState: state, message: error.serverInfo?[.message] ?? "")
        }
        if case .server(let response)? = error as? PostgresError, let state = response.fields[.sqlState] {
            return PostgresServerError(sqlState: state, message: response.fields[.message] ?? "")
        }
        return nil
    }

    /// The legacy layer's errors back as ours: a server error as ``PostgresServerError``, a closed
    /// connection as ``PostgresCallFailure/closedWhileWaiting(statement:)`` (transient, like the plain
    /// path's `PSQLError.serverClosedConnection`); others unchanged.
    static func fromLegacy(_ error: any Error, statement: String) -> any Error {
        if let reported = reported(error) { return reported }
        if case .connectionClosed? = error as? PostgresError { return PostgresCallFailure.closedWhileWaiting(statement: statement) }
        return error
    }

    /// The server no longer has the named statement this connection prepared, or its plan's columns
    /// changed (a migration added one under `RETURNING *`): forget it and try the call again.
    var isStalePreparedStatement: Bool {
        (sqlState == "0A000" && message.contains("cached plan")) || (sqlState == "26000" && message.contains("prepared statement"))
    }
}
