/// `GET /api/runs/{id}/logs`: the last lines of a step attempt's log, or of the run's own log.
struct LogTailView: Codable, Sendable {
    var runId: String
    /// nil for the run's log (`run.log`).
    var step: String?
    var attempt: Int?
    var lines: [String]
    /// True when the file has more lines than were returned.
    var truncated: Bool
}
