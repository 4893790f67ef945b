import Engine
import Store

/// What the run page shows at its top for each failed step, without a click: the step's error, the
/// last lines its last attempt wrote (its error excerpt), links to its log, and what the earlier
/// attempts said.
struct RunFailure: Encodable {
    struct Earlier: Encodable {
        let attempt: Int
        let error: String
        /// The last line of that attempt's excerpt; empty when it had none.
        let lastLine: String
        let downloadURL: String
    }

    let step: String
    let attempts: Int
    let error: String
    let hasExcerpt: Bool
    /// The excerpt but its last line, with a line break; and the last line, which is marked.
    let excerptHead: String
    let excerptLast: String
    let downloadURL: String
    let hasEarlier: Bool
    let earlier: [Earlier]

    static func head(_ excerpt: String) -> String {
        guard let end = excerpt.lastIndex(of: "\n") else { return "" }
        return String(excerpt[...end])
    }

    /// One per failed step, in the steps' order.
    static func of(_ run: RunDetailView, attempts: [AttemptRecord]) -> [RunFailure] {
        let byStep = Dictionary(grouping: attempts, by: \.stepID)
        return run.steps.filter { $0.state == StepState.failed.rawValue }.map { step in
            let own = byStep[step.id, default: []].sorted { $0.attempt < $1.attempt }
            let last = own.last { $0.attempt == step.attempt }
            let earlier = own.filter { $0.attempt < step.attempt && $0.outcome != nil }.reversed().map { attempt in
                Earlier(
                    attempt: attempt.attempt, error: attempt.error ?? attempt.outcome ?? "",
                    lastLine: attempt.errorExcerpt.map(ErrorExcerpt.lastLine) ?? "",
                    downloadURL: logDownloadURL(run.id, step: step.id, attempt: attempt.attempt))
            }
            return RunFailure(
                step: step.id, attempts: step.attempt, error: step.error ?? last?.error ?? "failed",
                hasExcerpt: last?.errorExcerpt != nil, excerptHead: head(last?.errorExcerpt ?? ""),
                excerptLast: last?.errorExcerpt.map(ErrorExcerpt.lastLine) ?? "",
                downloadURL: logDownloadURL(run.id, step: step.id, attempt: step.attempt),
                hasEarlier: !earlier.isEmpty, earlier: Array(earlier))
        }
    }
}

/// `/runs/{id}/log?step=…&attempt=…`: the whole log file as a download (``LogDownloadRoute``);
/// without a step, the run's own log.
func logDownloadURL(_ run: String, step: String?, attempt: Int?) -> String {
    var url = "/runs/\(urlPart(run))/log"
    if let step { url += "?step=\(urlPart(step))" + (attempt.map { "&attempt=\($0)" } ?? "") }
    return url
}
