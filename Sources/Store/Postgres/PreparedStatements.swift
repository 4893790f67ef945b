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
        // Bytes, not Characters: this runs on every statement (a claim is 2 KB of SQL), and walking
        // Characters (grapheme breaking) and Foundation's `contains` were most of this process's
        // time per chained step. Every byte this looks for is ASCII, which UTF-8 never reuses.
        let bytes = Array(sql.utf8)
        let (dash, slash, star, quote, dollar, colon) = (
            UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "*"), UInt8(ascii: "'"), UInt8(ascii: "$"), UInt8(ascii: ":")
        )
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + casts.count * 8)
        var quoted = false
        var index = 0
        while index < bytes.count {
            let c = bytes[index]
            if index + 1 < bytes.count, (c == dash && bytes[index + 1] == dash) || (c == slash && bytes[index + 1] == star) {
                return nil
            }
            if c == quote { quoted.toggle() }
            guard c == dollar, !quoted else {
                out.append(c)
                index += 1
                continue
            }
            var digitsEnd = index + 1
            var n = 0
            while digitsEnd < bytes.count, bytes[digitsEnd] >= UInt8(ascii: "0"), bytes[digitsEnd] <= UInt8(ascii: "9"), n <= casts.count {
                n = n * 10 + Int(bytes[digitsEnd] - UInt8(ascii: "0"))
                digitsEnd += 1
            }
            guard digitsEnd > index + 1, n >= 1, n <= casts.count else { return nil }
            out.append(contentsOf: bytes[index..<digitsEnd])
            if let cast = casts[n - 1] {
                out.append(colon)
                out.append(colon)
                out.append(contentsOf: cast.utf8)
            }
            index = digitsEnd
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// An `Optional` seen through `any Encodable`.
private protocol OptionalBind {
    var wrapped: (any Encodable)? { get }
}

extension Optional: OptionalBind where Wrapped: Encodable {
    fileprivate var wrapped: (any Encodable)? { self.map { $0 } }
}
