import Engine
import Foundation
import Store

/// Shows a run's steps while it runs: redrawn in place on a terminal, one line per change when piped.
struct ProgressView {
    let store: Engine
    let runID: String
    let interactive: Bool
    private var lastStates: [String: String] = [:]
    private var drawnLines = 0

    init(engine: Engine, runID: String, interactive: Bool = stdoutIsTerminal()) {
        self.store = engine
        self.runID = runID
        self.interactive = interactive
    }

    /// Draws the current state; call repeatedly.
    mutating func update(now: Date = Date()) async throws {
        let steps = try await store.steps(runID: runID)
        if interactive {
            var out = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
            for step in steps {
                out += "\u{1B}[2K" + Self.line(step, now: now) + "\n"
            }
            drawnLines = steps.count
            FileHandleWriter.write(out, fd: 1)
        } else {
            for step in steps {
                let key = "\(step.state.rawValue)/\(step.attempt)"
                if lastStates[step.stepID] != key {
                    lastStates[step.stepID] = key
                    print(Self.line(step, now: now))
                }
            }
        }
    }

    static func line(_ step: StepRunRecord, now: Date) -> String {
        let symbol: String
        switch step.state {
        case .pending: symbol = "·"
        case .ready: symbol = "○"
        case .running: symbol = "▶"
        case .succeeded: symbol = "✓"
        case .cached: symbol = "≡"
        case .failed, .upstreamFailed: symbol = "✗"
        case .skipped: symbol = "↷"
        case .canceled: symbol = "■"
        }
        var text = "\(symbol) \(step.stepID.padding(toLength: max(12, step.stepID.count), withPad: " ", startingAt: 0))  \(step.state.rawValue)"
        if step.attempt > 0 { text += "  attempt \(step.attempt)/\(step.maxAttempts)" }
        if let started = step.startedAt {
            text += "  " + formatDuration((step.finishedAt ?? now).timeIntervalSince(started))
        }
        if let error = step.error, step.state == .failed || step.state == .ready {
            text += "  — " + (error.count > 100 ? String(error.prefix(100)) + "…" : error)
        }
        return text
    }
}
