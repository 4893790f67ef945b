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

    init(_ record: AttemptRecord) {
        attempt = record.attempt
        worker = record.worker
        startedAt = record.startedAt
        finishedAt = record.finishedAt
        durationSeconds = record.finishedAt.map { $0.timeIntervalSince(record.startedAt) }
        outcome = record.outcome
        error = record.error
    }
}

/// A file a step wrote.
struct ArtifactView: Codable, Sendable {
    /// `<step>/<relative path>`: append to `/api/runs/{id}/artifacts/`.
    var path: String
    var sizeBytes: Int64
}
