import FlowSpec
import Foundation
import Store

/// `GET /api/runs/{id}`: the run with its params, inputs and every step's attempts, outputs,
/// metrics and artifact files.
struct RunDetailView: Codable, Sendable {
    var id: String
    var workflow: String
    var workflowHash: String
    var state: String
    var trigger: String
    var datasetId: String?
    var params: Value
    var inputs: Value
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var durationSeconds: Double?
    var error: String?
    /// For a failed run: the last lines its failed step wrote — its newest attempt's excerpt that
    /// has one, the same one the runs table and `flowrun runs show` show.
    var errorExcerpt: String?
    var steps: [StepView]
}

/// A step of a run with its attempts.
struct StepView: Codable, Sendable {
    var id: String
    var position: Int
    var needs: [String]
    var state: String
    var attempt: Int
    var maxAttempts: Int
    var worker: String?
    var startedAt: Date?
    var finishedAt: Date?
    var durationSeconds: Double?
    var exitStatus: Int?
    var error: String?
    var outputs: [String: Value]
    var metrics: [String: Double]
    var attempts: [AttemptView]
    /// Files under the step's artifact folder, for `GET /api/runs/{id}/artifacts/{step}/{path}`.
    var artifacts: [ArtifactView]
    /// For a ready step: why it is not running yet (``WaitingReason``: a pool, slots, no worker, a retry's backoff).
    var waitingReason: String? = nil
}

/// One attempt of a step.
struct AttemptView: Codable, Sendable {
    var attempt: Int
    var worker: String
    var startedAt: Date
    var finishedAt: Date?
    var durationSeconds: Double?
    /// `succeeded`, `failed`, `canceled`, `lease_expired`, …; nil while running.
    var outcome: String?
    var error: String?
    /// For a failed attempt: the last lines its step wrote (``ErrorExcerpt``).
    var errorExcerpt: String?
    /// Where a `cached` attempt's results came from, or why a step ran although it ran before.
    var cacheNote: String?
    /// The attempt a `cached` attempt reused.
    var cachedFrom: CachedFromView?
    /// The step's cache key (hex SHA-256); nil for a step that does not cache.
    var cacheKey: String?

    init(_ record: AttemptRecord) {
        cacheNote = record.cache?.note
        cachedFrom = record.cache?.cachedFrom.map { CachedFromView(runId: $0.runID, stepId: $0.stepID, attempt: $0.attempt) }
        cacheKey = record.cache?.key
        attempt = record.attempt
        worker = record.worker
        startedAt = record.startedAt
        finishedAt = record.finishedAt
        durationSeconds = record.finishedAt.map { $0.timeIntervalSince(record.startedAt) }
        outcome = record.outcome
        error = record.error
        errorExcerpt = record.errorExcerpt
    }
}

/// The attempt whose results a cached attempt reused.
struct CachedFromView: Codable, Sendable {
    var runId: String
    var stepId: String
    var attempt: Int
}

/// A file a step wrote.
struct ArtifactView: Codable, Sendable {
    /// `<step>/<relative path>`: append to `/api/runs/{id}/artifacts/`.
    var path: String
    var sizeBytes: Int64
}
