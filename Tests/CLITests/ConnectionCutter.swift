import Foundation
import TestSupport

/// Cuts every connection to one database, over and over, from a thread of its own
/// (`pg_terminate_backend` on all other backends of it): what a flaky network or an impatient
/// administrator does to the workers.
final class ConnectionCutter: @unchecked Sendable {
    private let lock = NSLock()
    private var stopping = false
    private var cuts = 0
    private let done = DispatchSemaphore(value: 0)

    init(url: String, database: String, every interval: Double) {
        let sql = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()"
        Thread.detachNewThread { [self] in
            while !lock.withLock({ stopping }) {
                // Fails while the server restarts: the next round tries again.
                let finished = DispatchSemaphore(value: 0)
                let succeeded = Flag()
                Task.detached {
                    if (try? await TestDatabase.execute(sql, url: url)) != nil { succeeded.set() }
                    finished.signal()
                }
                finished.wait()
                if succeeded.isSet { lock.withLock { cuts += 1 } }
                Thread.sleep(forTimeInterval: interval)
            }
            done.signal()
        }
    }

    /// Stops cutting; returns how many rounds reached the server.
    func stop() -> Int {
        lock.withLock { stopping = true }
        done.wait()
        return lock.withLock { cuts }
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
