import Foundation
import Store

/// The engine's own lines in `logs/<run>/run.log`: one per finished attempt.
enum RunLog {
    static func append(_ completion: StepCompletion, startedAt: Date?, layout: DataLayout) {
        let key = completion.key
        let elapsed = startedAt.map { String(format: " in %.3fs", completion.now.timeIntervalSince($0)) } ?? ""
        let what: String
        switch completion.outcome {
        case .succeeded: what = "succeeded"
        case .failed(let error, _, let retryAt):
            what = "failed: \(error)" + (retryAt.map { " (retry at \(LogFile.timestamp($0)))" } ?? "")
        case .skipped(let reason): what = "skipped: \(reason)"
        case .canceled(let reason): what = "canceled: \(reason)"
        }
        let log = LogFile(url: layout.runLog(run: key.runID))
        log.write("\(key.stepID) attempt \(key.attempt) by \(completion.worker) \(what)\(elapsed)", at: completion.now)
        log.close()
    }

    /// Writes one line to a run's log.
    static func note(_ message: String, run: String, at date: Date, layout: DataLayout) {
        let log = LogFile(url: layout.runLog(run: run))
        log.write(message, at: date)
        log.close()
    }
}
