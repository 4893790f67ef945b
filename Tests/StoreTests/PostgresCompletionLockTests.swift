import Foundation
import Logging
import SQLKit
import TestSupport
import Testing

@testable import Store

/// A completion on PostgreSQL locks its runs and reads its steps in one statement
/// (`SQLStore.lockedRead`), whose snapshot is older than the lock it waits for. A take-back that
/// commits while the completion waits must still be seen: the completion is refused and the step
/// stays taken back. (Read without `FOR UPDATE`, the completion would see the step still running,
/// accept it, and overwrite the take-back.)
@Suite(.enabled(if: TestDatabase.all.contains(.postgres), "no PostgreSQL: set FLOWRUN_TEST_DATABASE_URL (scripts/with-postgres)"))
struct PostgresCompletionLockTests {
    @Test func aTakeBackCommittedWhileACompletionWaitsForTheRunLockWins() async throws {
        let folder = FileManager.default.temporaryDirectory
        let url = try await TestDatabase.postgres.makeURL(in: folder)
        let store = try await SQLStore.open(url: url, logger: Logger(label: "t"))
        let other = PostgresBackend(configuration: try PostgresURL.configuration(url), logger: Logger(label: "t"))
        let watcher = PostgresBackend(configuration: try PostgresURL.configuration(url), logger: Logger(label: "t"))
        defer {
            other.closeInBackground()
            watcher.closeInBackground()
        }
        try await store.createRun(
            RunRecord(
                id: "r", workflowName: "w", workflowYAML: "", workflowHash: "", paramsJSON: "{}", inputsJSON: "{}",
                datasetID: nil, trigger: .api, createdAt: Date(timeIntervalSince1970: 0)),
            steps: [NewStepRun(stepID: "s", position: 0, needs: [], maxAttempts: 3)])
        let now = Date()
        let claimed = try await store.claimReadySteps(worker: "w1", runID: "r", limit: 1, now: now, leaseUntil: now.addingTimeInterval(60))
        let step = try #require(claimed.first)
        let completion = StepCompletion(
            key: StepAttemptKey(runID: "r", stepID: "s", attempt: step.attempt), worker: "w1",
            outcome: .succeeded(outputs: [:], metrics: [:]), now: now)

        // Another process holds the run's lock, takes the step back, and commits only once the
        // completion is waiting for that lock.
        let locked = LockHeld()
        let holder = Task {
            try await other.transaction(timeout: .seconds(60)) { db in
                try await db.raw("SELECT id FROM runs WHERE id = 'r' FOR UPDATE").run()
                locked.set()
                let deadline = ContinuousClock.now.advanced(by: .seconds(30))
                while try await watcher.read({ db in
                    try await db.raw(
                        "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%locked AS%'"
                    )
                    .first()!.decode(column: "n", as: Int.self)
                }) == 0 {
                    guard ContinuousClock.now < deadline else {
                        Issue.record("the completion never waited for the run's lock")
                        break
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await db.raw(
                    "UPDATE steps SET state = 'ready', worker = NULL, lease_expires_at = NULL WHERE run_id = 'r' AND step_id = 's'"
                ).run()
            }
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while !locked.isSet, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(locked.isSet, "the other transaction took the run's lock")
        let completing = Task<[Bool], any Error> { try await store.completeSteps([completion]) }
        try await holder.value
        let applied = try await completing.value
        #expect(applied == [false], "the completion of a step taken back meanwhile is refused")
        let after = try await store.steps(runID: "r").first { $0.stepID == "s" }
        #expect(after?.state == .ready)
        try await store.close()
    }
}

/// Set once, read from any task.
final class LockHeld: @unchecked Sendable {
    private let lock = NSLock()
    private var held = false
    func set() { lock.withLock { held = true } }
    var isSet: Bool { lock.withLock { held } }
}
