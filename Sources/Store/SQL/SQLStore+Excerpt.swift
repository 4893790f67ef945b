import SQLKit

/// Failed attempts' error excerpts (migration 6): written by the worker just before it completes
/// the attempt, read with the attempts and, for failed runs, with the run lists.
extension SQLStore {
    public func recordAttemptExcerpt(_ key: StepAttemptKey, worker: String, excerpt: String) async throws -> Bool {
        try await write { db in
            let updated = try await db.raw(
                """
                UPDATE attempts SET error_excerpt = \(bind: excerpt)
                WHERE run_id = \(bind: key.runID) AND step_id = \(bind: key.stepID) AND attempt = \(bind: key.attempt)
                    AND worker = \(bind: worker)
                RETURNING attempt
                """
            ).all()
            return !updated.isEmpty
        }
    }

    /// A column for run lists: a failed run's newest excerpt, read only for failed runs (one
    /// primary-key range of `attempts` each), NULL for the rest.
    static let failedRunExcerpt = """
        CASE WHEN state = '\(RunState.failed.rawValue)' THEN (SELECT a.error_excerpt FROM attempts a WHERE a.run_id = runs.id \
        AND a.error_excerpt IS NOT NULL ORDER BY a.started_at DESC, a.attempt DESC LIMIT 1) END AS error_excerpt
        """
}
