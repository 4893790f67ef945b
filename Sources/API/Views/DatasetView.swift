import FlowSpec
import Foundation
import Store

/// A registered dataset: its file, size, content hash and schema summary.
struct DatasetView: Codable, Sendable {
    var id: String
    var path: String
    var sizeBytes: Int64
    var contentHash: String
    /// Whatever the registering code knew: columns, rows, data-quality summary.
    var schema: Value
    var registeredAt: Date
    var status: String
    var rejectReason: String?

    init(_ record: DatasetRecord) {
        id = record.id
        path = record.path
        sizeBytes = record.sizeBytes
        contentHash = record.contentHash
        schema = JSONText.value(record.schemaJSON, fallback: .map([:]))
        registeredAt = record.registeredAt
        status = record.status
        rejectReason = record.rejectReason
    }
}
