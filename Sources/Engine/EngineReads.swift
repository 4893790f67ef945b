import Foundation
import Store

/// What the API, the dashboard and the CLI read: the Engine is their one door, so the store behind
/// it can change (caching, another database, access rules) without touching them. Each method is
/// one store read.
extension Engine {
    public func run(id: String) async throws -> RunRecord? { try await store.run(id: id) }
    /// Newest first, filtered and paginated by `query`.
    public func runs(_ query: RunQuery) async throws -> [RunRecord] { try await store.runs(query) }
    /// ``runs(_:)`` without the large columns: what run lists read.
    public func runSummaries(_ query: RunQuery) async throws -> [RunSummary] { try await store.runSummaries(query) }
    public func runCounts() async throws -> [RunState: Int] { try await store.runCounts() }
    /// In `position` order.
    public func steps(runID: String) async throws -> [StepRunRecord] { try await store.steps(runID: runID) }
    public func attempts(runID: String) async throws -> [AttemptRecord] { try await store.attempts(runID: runID) }
    public func metrics(runID: String) async throws -> [MetricRecord] { try await store.metrics(runID: runID) }
    /// Events with `id > after`, oldest first.
    public func events(runID: String, after: Int64, limit: Int) async throws -> [EventRecord] {
        try await store.events(runID: runID, after: after, limit: limit)
    }
    public func dataset(id: String) async throws -> DatasetRecord? { try await store.dataset(id: id) }
    /// Newest first.
    public func datasets(limit: Int) async throws -> [DatasetRecord] { try await store.datasets(limit: limit) }
    /// Workers whose last heartbeat is after `since`.
    public func workers(since: Date) async throws -> [WorkerRecord] { try await store.workers(since: since) }

    /// Steps ready to run and waiting for a worker, over every run: one count in the store (it read
    /// the steps of at most 500 runs per state, one query each, and missed the rest).
    public func queueDepth() async throws -> Int { try await store.readyStepCount() }

    /// Releases the store's connections; the engine is unusable afterwards.
    public func close() async throws { try await store.close() }
}
