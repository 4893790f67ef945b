import Foundation

/// What an attempt recorded about step caching (schema version 4): its key, the parts the key was
/// made of, the files it left, where a cached attempt's results came from, and why it ran.
public struct AttemptCache: Sendable, Codable, Hashable {
    /// Hex SHA-256 of ``partsJSON``; nil when the step does not cache (then only ``note`` says why).
    public var key: String?
    /// A JSON object of what the key hashes (`action`, `flowrun`, `with`, `files`).
    public var partsJSON: String?
    /// The artifact folder's files after a success: a JSON object, relative path → `{"sha256","size"}`.
    public var filesJSON: String?
    /// The attempt whose results a `cached` attempt reused.
    public var cachedFrom: StepAttemptKey?
    /// One line for people: "cached from run …", or why the step ran although an earlier attempt
    /// of the same workflow step exists ("param window 50 → 25").
    public var note: String?
    /// Bytes of the files in ``filesJSON``.
    public var bytes: Int64?
    /// Whether this attempt may be reused (a computed success of a caching step, not yet cleared).
    public var isEntry: Bool

    public init(
        key: String? = nil, partsJSON: String? = nil, filesJSON: String? = nil, cachedFrom: StepAttemptKey? = nil,
        note: String? = nil, bytes: Int64? = nil, isEntry: Bool = false
    ) {
        self.key = key
        self.partsJSON = partsJSON
        self.filesJSON = filesJSON
        self.cachedFrom = cachedFrom
        self.note = note
        self.bytes = bytes
        self.isEntry = isEntry
    }
}

/// A reusable result: a computed, succeeded attempt with a cache key, its outputs and metrics.
public struct CacheEntry: Sendable, Hashable {
    public var key: String
    public var source: StepAttemptKey
    public var workflowName: String
    public var finishedAt: Date
    /// Relative path → `{"sha256","size"}`, JSON (see ``AttemptCache/filesJSON``).
    public var filesJSON: String
    public var bytes: Int64
    /// Output name → JSON text, as the source step recorded them.
    public var outputs: [String: String]
    public var metrics: [String: Double]

    public init(
        key: String, source: StepAttemptKey, workflowName: String, finishedAt: Date, filesJSON: String, bytes: Int64,
        outputs: [String: String], metrics: [String: Double]
    ) {
        self.key = key
        self.source = source
        self.workflowName = workflowName
        self.finishedAt = finishedAt
        self.filesJSON = filesJSON
        self.bytes = bytes
        self.outputs = outputs
        self.metrics = metrics
    }
}

/// How many entries the cache holds and the bytes of their files.
public struct CacheUsage: Sendable, Hashable, Codable {
    public var entries: Int
    public var bytes: Int64

    public init(entries: Int, bytes: Int64) {
        self.entries = entries
        self.bytes = bytes
    }
}
