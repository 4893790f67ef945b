import FlowSpec
import Foundation
import OpenAPIRuntime

/// How the generated server writes JSON: the same bytes as ``APIJSON`` (sorted keys, no escaped
/// slashes, dates with milliseconds), which `RecordedResponsesTests` holds it to.
enum GeneratedWire {
    static let configuration = Configuration(
        dateTranscoder: MillisDateTranscoder(),
        jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])

    struct MillisDateTranscoder: DateTranscoder {
        func encode(_ date: Date) throws -> String { ISO8601Millis.string(from: date) }
        func decode(_ text: String) throws -> Date {
            guard let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(text)' is not an ISO 8601 date"))
            }
            return date
        }
    }

    /// A value the engine holds that the contract's enum does not list: a server bug, answered as
    /// `internal` and logged (the contract, not the client, must change).
    struct NotInContract: Error, CustomStringConvertible {
        let description: String
    }

    /// `raw` as the generated enum `T`.
    static func wire<T: RawRepresentable>(_ raw: String, as type: T.Type) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: raw) else { throw NotInContract(description: "'\(raw)' is not a \(T.self) in openapi.yaml") }
        return value
    }

    /// A free-form JSON value (params, outputs, a dataset's schema).
    static func container(_ value: Value) throws -> OpenAPIValueContainer {
        try OpenAPIValueContainer(unvalidatedValue: plain(value))
    }

    static func object(_ value: Value) throws -> OpenAPIObjectContainer {
        guard case .map(let map) = value else { return OpenAPIObjectContainer() }
        return try OpenAPIObjectContainer(unvalidatedValue: map.mapValues(plain))
    }

    private static func plain(_ value: Value) -> (any Sendable)? {
        switch value {
        case .null: nil
        case .bool(let flag): flag
        case .number(let number): number
        case .string(let text): text
        case .list(let items): items.map(plain)
        case .map(let map): map.mapValues(plain)
        }
    }

    /// A view the dashboard shares (``RunDetailView``, ``WorkflowDetailView``) as the generated type
    /// `T`: encoded as the API always wrote it and decoded by the contract's type, so a field or an
    /// enum value the contract lacks fails here instead of reaching a client.
    static func bridge<T: Decodable>(_ view: some Encodable, as _: T.Type) throws -> T {
        // Dates as Date stores them, so none is rounded on the way.
        let encoder = APIJSON.encoder()
        encoder.dateEncodingStrategy = .deferredToDate
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .deferredToDate
        do {
            return try decoder.decode(T.self, from: encoder.encode(view))
        } catch {
            throw NotInContract(description: "\(type(of: view)) does not fit openapi.yaml's \(T.self): \(error)")
        }
    }
}
