import Engine
import Foundation
import Store

/// Follows runs as they finish, for the Prometheus counters and the step-duration histogram
/// (``ServerMetrics``).
///
/// Counters start at zero with the process (as Prometheus expects): runs that had finished before
/// the first scrape are the baseline. Each ``update()`` reads the runs created since the last one
/// and re-reads the unfinished runs it knows; a run is counted once, when first seen finished.
actor RunMetricsFollower {
    private let store: Engine
    private var baselined = false
    private var newestCreatedAt: Date?
    private var seenAtNewest: Set<String> = []
    private var watching: Set<String> = []
    private let metrics: ServerMetrics

    init(engine: Engine, metrics: ServerMetrics) {
        self.store = engine
        self.metrics = metrics
    }

    func update() async throws {
        if !baselined {
            for state in [RunState.queued, .running] {
                for run in try await store.runs(RunQuery(state: state, limit: 1000)) { watching.insert(run.id) }
            }
            if let newest = try await store.runs(RunQuery(limit: 50)).first {
                newestCreatedAt = newest.createdAt
                seenAtNewest = Set(try await store.runs(RunQuery(limit: 50)).filter { $0.createdAt == newest.createdAt }.map(\.id))
            }
            baselined = true
            return
        }
        // Runs created since the last update, newest first, up to 5,000 per update.
        var fresh: [RunRecord] = []
        var cursor: String?
        pages: while fresh.count < 5000 {
            let page = try await store.runs(RunQuery(limit: 500, before: cursor))
            for run in page {
                if let newest = newestCreatedAt {
                    if run.createdAt < newest { break pages }
                    if run.createdAt == newest, seenAtNewest.contains(run.id) { continue }
                }
                fresh.append(run)
            }
            guard page.count == 500, let last = page.last else { break }
            cursor = last.id
        }
        if let top = fresh.map(\.createdAt).max() {
            if top != newestCreatedAt { seenAtNewest = [] }
            newestCreatedAt = top
            seenAtNewest.formUnion(fresh.filter { $0.createdAt == top }.map(\.id))
        }
        for run in fresh {
            if run.state.isFinished { try await count(run) } else { watching.insert(run.id) }
        }
        for id in watching {
            guard let run = try await store.run(id: id) else { watching.remove(id); continue }
            if run.state.isFinished {
                watching.remove(id)
                try await count(run)
            }
        }
    }

    private func count(_ run: RunRecord) async throws {
        // Read before counting: a failed read counts nothing of this run, not half of it.
        let attempts = try await store.attempts(runID: run.id)
        metrics.runFinished(run.state)
        for attempt in attempts {
            metrics.attemptSeen(
                attempt: attempt.attempt, outcome: attempt.outcome,
                seconds: attempt.finishedAt.map { $0.timeIntervalSince(attempt.startedAt) })
        }
    }
}
