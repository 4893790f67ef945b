import Foundation
import PostgresNIO

/// `postgres://user:pass@host:port/db?sslmode=…` (or `postgresql://`) as a PostgresNIO client
/// configuration. `sslmode` follows libpq: `disable`, `allow`/`prefer` (the default: TLS when the
/// server offers it), `require` (TLS, certificate not checked, as libpq does), `verify-ca` and
/// `verify-full` (TLS with the system's trust roots). `?host=/run/postgresql` selects a unix socket.
/// flowrun's own: `prepared_statements=on|off` (default on; see ``PreparedStatements``).
enum PostgresURL {
    static func isPostgres(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), isPostgres(url) else {
            throw StoreError.unavailable("\(redacted(url)): not a PostgreSQL URL; expected postgres://user:password@host:5432/database")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let database = String(components.path.drop { $0 == "/" }).removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 }

        var configuration: PostgresClient.Configuration
        if let socket = query["host"], socket.hasPrefix("/") {
            let port = components.port ?? 5432
            configuration = .init(unixSocketPath: "\(socket)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw StoreError.unavailable("\(redacted(url)): the URL names no host")
            }
            configuration = .init(
                host: host, port: components.port ?? 5432, username: user, password: password,
                database: database, tls: try tls(query["sslmode"] ?? "prefer", url: url))
        }
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 10
        return configuration
    }

    /// `prepared_statements=on|off`: off for a pooler that does not keep a session's prepared
    /// statements (PgBouncer in transaction mode before 1.21).
    static func preparesStatements(_ url: String) throws -> Bool {
        let items = URLComponents(string: url)?.queryItems ?? []
        guard let value = items.last(where: { $0.name == "prepared_statements" })?.value else { return true }
        switch value {
        case "on", "true", "1": return true
        case "off", "false", "0": return false
        default:
            throw StoreError.unavailable("\(redacted(url)): prepared_statements=\(value) is not one of on, off")
        }
    }

    private static func tls(_ mode: String, url: String) throws -> PostgresClient.Configuration.TLS {
        switch mode {
        case "disable":
            return .disable
        case "allow", "prefer":
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return .prefer(tls)
        case "require":
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return .require(tls)
        case "verify-ca", "verify-full":
            return .require(.makeClientConfiguration())
        default:
            throw StoreError.unavailable(
                "\(redacted(url)): sslmode=\(mode) is not one of disable, allow, prefer, require, verify-ca, verify-full")
        }
    }

    /// The URL without its password, for messages and logs.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
