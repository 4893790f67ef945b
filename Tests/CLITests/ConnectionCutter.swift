import Foundation
import TestSupport

/// Cuts every connection to one database, over and over (`pg_terminate_backend` on all its other
/// backends): what a flaky network or an impatient administrator does to the workers.
///
/// A task, not a thread waiting on tasks: a test that blocks its own thread (waiting for a
/// process, say) must never wait for work that needs a thread of the same small pool.
final class ConnectionCutter: Sendable {
    private let task: Task<Int, Never>

    init(url: String, database: String, every interval: Duration) {
        let sql = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()"
        task = Task.detached {
            var cuts = 0
            while !Task.isCancelled {
                // Fails while the server restarts, or (a statement PostgresNIO lost) gives up after
                // 5 s: the next round tries again.
                if (try? await TestDatabase.execute(sql, url: url, timeout: .seconds(5))) != nil { cuts += 1 }
                try? await Task.sleep(for: interval)
            }
            return cuts
        }
    }

    /// Stops cutting; returns how many rounds reached the server.
    func stop() async -> Int {
        task.cancel()
        return await task.value
    }
}
