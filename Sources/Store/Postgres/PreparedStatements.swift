import Foundation
import PostgresNIO

/// The named prepared statements of one PostgreSQL connection, keyed by their SQL.
///
/// Measured on the engine's hot path (`flowrun bench engine`, statement durations in the server's
/// log): of the ~2 ms the server spent per chained step, ~1.2 ms was parsing and planning, every
/// time, the same nine statements — an unnamed statement is parsed and planned on each call. A named
/// one is parsed once per connection, and after five calls PostgreSQL keeps a generic plan when it
/// is no worse. The store's SQL is built at run time (a batch's `VALUES` list, a claim's `LIMIT`),
/// so statements are prepared by their text: the second time a connection sees a text it prepares
/// it (one round trip more, once), so a one-off statement is never prepared. Bounded: a connection
/// keeps at most ``capacity`` statements and counts at most ``trackedTexts`` texts it has seen once.
final class PreparedStatements: @unchecked Sendable {
    static let capacity = 64
    static let trackedTexts = 512

    enum Decision {
        /// Prepared on this connection already.
        case execute(PreparedQuery)
        /// Seen before: prepare it now, then execute it.
        case prepare
        /// First sight (or the cache is full): run it unnamed.
        case plain
    }

    private let lock = NSLock()
    private var prepared: [String: PreparedQuery] = [:]
    private var seenOnce: Set<String> = []

    func decide(_ sql: String) -> Decision {
        lock.withLock {
            if let statement = prepared[sql] { return .execute(statement) }
            guard prepared.count < Self.capacity else { return .plain }
            if seenOnce.remove(sql) != nil { return .prepare }
            if seenOnce.count >= Self.trackedTexts { seenOnce.removeAll() }
            seenOnce.insert(sql)
            return .plain
        }
    }

    func store(_ statement: PreparedQuery, for sql: String) {
        lock.withLock { prepared[sql] = statement }
    }

    /// The server lost it or its plan went stale: the next sighting prepares it afresh.
    func forget(_ sql: String) {
        lock.withLock { _ = prepared.removeValue(forKey: sql) }
    }

    var count: Int { lock.withLock { prepared.count } }
}

/// A statement ready to be sent as a named prepared statement: its SQL with each parameter cast to
/// the type of the value bound to it, and those values.
///
/// The casts: PostgresNIO prepares without parameter types, so the server would infer them, and a
/// `VALUES ($1, $2)` list infers `text` where the unnamed statement said `float8`. With `$n::float8`
/// the statement means what it means unnamed, where each bind declares its type; a NULL keeps no
/// cast, as unnamed (its type is inferred either way). The SQL with its casts is the cache key, so a
/// statement run once with a NULL and once with a value is two statements, as it should be.
struct PreparedCall {
    let sql: String
    let binds: [PostgresData]

    /// Nil when a value is of a type this does not encode (it then runs unnamed, as before).
    init?(sql: String, binds: [any Encodable]) {
        var data: [PostgresData] = []
        var casts: [String?] = []
        data.reserveCapacity(binds.count)
        for bind in binds {
            guard let (value, cast) = Self.encode(bind) else { return nil }
            data.append(value)
            casts.append(cast)
        }
        guard let typed = Self.typed(sql, casts: casts) else { return nil }
        self.sql = typed
        self.binds = data
    }

    /// The value as PostgresKit's own encoding sends it (same type, binary format), and its cast.
    private static func encode(_ value: any Encodable) -> (PostgresData, String?)? {
        switch value {
        case let value as String: return (PostgresData(string: value), "text")
        case let value as Int: return (PostgresData(int: value), "int8")
        case let value as Int64: return (PostgresData(int64: value), "int8")
        case let value as Double: return (PostgresData(double: value), "float8")
        case let value as Bool: return (PostgresData(bool: value), "bool")
        case let value as any OptionalBind:
            guard let wrapped = value.wrapped else { return (PostgresData(type: .null), nil) }
            return encode(wrapped)
        default: return nil
        }
    }

    /// `sql` with `$n` as `$n::type` where `casts[n-1]` says; nil when the SQL holds what this cannot
    /// read with certainty (a comment, whose quote would mislead it; a dollar-quoted string) or a
    /// parameter without a value.
    static func typed(_ sql: String, casts: [String?]) -> String? {
        guard !sql.contains("--"), !sql.contains("/*") else { return nil }
        var out = ""
        out.reserveCapacity(sql.utf8.count + casts.count * 8)
        var quoted = false
        var index = sql.startIndex
        while index < sql.endIndex {
            let c = sql[index]
            if c == "'" { quoted.toggle() }
            guard c == "$", !quoted else {
                out.append(c)
                index = sql.index(after: index)
                continue
            }
            let digitsStart = sql.index(after: index)
            var digitsEnd = digitsStart
            while digitsEnd < sql.endIndex, sql[digitsEnd].isASCII, sql[digitsEnd].isNumber { digitsEnd = sql.index(after: digitsEnd) }
            guard digitsEnd > digitsStart, let n = Int(sql[digitsStart..<digitsEnd]), n >= 1, n <= casts.count else { return nil }
            out += sql[index..<digitsEnd]
            if let cast = casts[n - 1] { out += "::" + cast }
            index = digitsEnd
        }
        return out
    }
}

/// An `Optional` seen through `any Encodable`.
private protocol OptionalBind {
    var wrapped: (any Encodable)? { get }
}

extension Optional: OptionalBind where Wrapped: Encodable {
    fileprivate var wrapped: (any Encodable)? { self.map { $0 } }
}
