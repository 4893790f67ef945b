import Foundation
import Store

/// The engine's own lines in `logs/<run>/run.log`: one per finished attempt.
enum RunLog {
    /// One line per finished attempt, each run's log opened once per batch.
    static func append(_ completions: [StepCompletion], startedAt: [StepAttemptKey: Date], layout: DataLayout) {
        for (run, group) in Dictionary(grouping: completions, by: \.key.runID) {
            let log = LogFile(url: layout.runLog(run: run))
            for completion in group { log.write(line(completion, startedAt: startedAt[completion.key]), at: completion.now) }
            log.close()
        }
    }

    static func line(_ completion: StepCompletion, startedAt: Date?) -> String {
        let key = completion.key
        let elapsed = startedAt.map { String(format: " in %.3fs", completion.now.timeIntervalSince($0)) } ?? ""
        let what: String
        switch completion.outcome {
        case .succeeded: what = "succeeded" + (completion.cache?.note.map { " (\($0))" } ?? "")
        case .cached(_, _, let from): what = "cached: reused run \(from.runID) \(from.stepID) attempt \(from.attempt)"
        case .failed(let error, _, let retryAt):
            what = "failed: \(error)" + (retryAt.map { " (retry at \(LogFile.timestamp($0)))" } ?? "")
        case .skipped(let reason): what = "skipped: \(reason)"
        case .canceled(let reason): what = "canceled: \(reason)"
        }
        return "\(key.stepID) attempt \(key.attempt) by \(completion.worker) \(what)\(elapsed)"
    }

    /// Writes one line to a run's log.
    static func note(_ message: String, run: String, at date: Date, layout: DataLayout) {
        let log = LogFile(url: layout.runLog(run: run))
        log.write(message, at: date)
        log.close()
    }
}
