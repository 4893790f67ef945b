import FlowSpec

/// `POST /api/runs`.
struct SubmitRunBody: Codable, Sendable {
    var workflow: String
    var datasetId: String?
    var datasetPath: String?
    var params: [String: Value]?
    /// The old API's shorthand for `params.model_type`.
    var modelType: String?
    /// `api` (default) or `ui` when the dashboard submits.
    var trigger: String?
    /// Other inputs by name.
    var inputs: [String: Value]?
    /// False: no step reuses a cached result (the run computes everything).
    var cache: Bool?
    /// Overrides the workflow's `priority:` (-100…100; higher is claimed first).
    var priority: Int?
}

/// `POST /api/datasets`.
struct RegisterDatasetBody: Codable, Sendable {
    var path: String
}
