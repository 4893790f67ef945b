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
    /// Each shown failure's cause line, by "step/attempt" (nil: that attempt wrote nothing), read
    /// once: the attempts are read only while some step shows an error.
    private var causes: [String: String?] = [:]
    /// Why each ready step is not running yet, when something holds it back (a pool, slots, no
    /// worker, a retry's backoff): read on each update while a step is ready.
    private var waiting: [String: String] = [:]

    init(engine: Engine, runID: String, interactive: Bool = stdoutIsTerminal()) {
        self.store = engine
        self.runID = runID
        self.interactive = interactive
    }

    /// Draws the current state; call repeatedly.
    mutating func update(now: Date = Date()) async throws {
        let steps = try await store.steps(runID: runID)
        try await readCauses(steps)
        try await readWaiting(steps)
        if interactive {
            var out = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
            // Matrix instances under their step (ProgressView+Groups.swift).
            let lines = Self.groupedLines(steps, now: now, cause: cause, waiting: { waiting[$0.stepID] })
            for line in lines { out += "\u{1B}[2K" + line + "\n" }
            // A group that folded leaves lines below: clear them.
            for _ in lines.count..<max(lines.count, drawnLines) { out += "\u{1B}[2K\n" }
            drawnLines = max(lines.count, drawnLines)
            FileHandleWriter.write(out, fd: 1)
        } else {
            for step in steps {
                let key = "\(step.state.rawValue)/\(step.attempt)/\(waiting[step.stepID] ?? "")"
                if lastStates[step.stepID] != key {
                    lastStates[step.stepID] = key
                    print(Self.line(step, now: now, cause: cause(step), waiting: waiting[step.stepID]))
                    // An instance finished: its step's tally, `train  3/8 done`.
                    if step.state.isFinished, let group = Self.group(of: step.stepID) {
                        print("  " + Self.summary(group, steps.filter { Self.group(of: $0.stepID) == group }))
                    }
                }
            }
        }
    }

    private static func showsError(_ step: StepRunRecord) -> Bool {
        step.error != nil && (step.state == .failed || step.state == .ready)
    }

    private func cause(_ step: StepRunRecord) -> String? {
        causes["\(step.stepID)/\(step.attempt)"] ?? nil
    }

    /// The reasons of the ready steps held back (`.next`, nothing holding it, is not shown).
    private mutating func readWaiting(_ steps: [StepRunRecord]) async throws {
        guard steps.contains(where: { $0.state == .ready }) else {
            waiting = [:]
            return
        }
        waiting = try await store.waitingReasons(for: steps).compactMapValues { $0 == .next ? nil : $0.description }
    }

    /// The last line each failed attempt wrote (its error excerpt's, as the runs table shows it).
    private mutating func readCauses(_ steps: [StepRunRecord]) async throws {
        let wanted = steps.filter { Self.showsError($0) && causes["\($0.stepID)/\($0.attempt)"] == nil }
        guard !wanted.isEmpty else { return }
        let attempts = try await store.attempts(runID: runID)
        for step in wanted {
            let excerpt = attempts.last { $0.stepID == step.stepID && $0.attempt == step.attempt }?.errorExcerpt
            causes["\(step.stepID)/\(step.attempt)"] = .some(excerpt.map(ErrorExcerpt.lastLine))
        }
    }

    /// One step's line; `cause` is the last line its failed attempt wrote, shown before the error
    /// (the error alone says only "/bin/sh exited with status 3"); `waiting`, why a ready step is not
    /// running yet.
    static func line(_ step: StepRunRecord, now: Date, cause: String? = nil, waiting: String? = nil) -> String {
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
        var text =
            "\(symbol) \(step.stepID.padding(toLength: max(12, step.stepID.count), withPad: " ", startingAt: 0))  \(step.state.rawValue)"
        if step.attempt > 0 { text += "  attempt \(step.attempt)/\(step.maxAttempts)" }
        if let started = step.startedAt {
            text += "  " + formatDuration((step.finishedAt ?? now).timeIntervalSince(started))
        }
        if let error = step.error, showsError(step) {
            if let cause = cause?.trimmingCharacters(in: .whitespaces), !cause.isEmpty {
                text += "  — " + clipped(cause) + " ·"
            } else {
                text += "  —"
            }
            text += " " + clipped(error)
        }
        if let waiting, step.state == .ready { text += "  — " + clipped(waiting) }
        return text
    }

    private static func clipped(_ text: String) -> String {
        text.count > 100 ? String(text.prefix(100)) + "…" : text
    }
}
