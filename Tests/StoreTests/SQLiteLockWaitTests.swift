import Foundation
import Logging
import SQLKit
import Testing

@testable import Store

/// SQLite waits for another connection's lock inside `sqlite3_step`. Such waits must block only the
/// waiting connection's own thread (its ``ThreadExecutor``): on Swift's cooperative pool (one thread per
/// core) enough waiters froze the whole process — the lock's holder too, which then could not
/// resume to commit, so every waiter ran into the busy timeout. CI met this as a 30 s stall.
@Suite struct SQLiteLockWaitTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lockwait-\(UUID().uuidString).sqlite").path

    @Test func writersWaitingForALockDoNotStopTheHolderFromCommitting() async throws {
        let holder = try await SQLStore.open(url: path, logger: Logger(label: "t"))
        // More waiters than the cooperative pool has threads.
        var waiters: [SQLStore] = []
        for _ in 0...ProcessInfo.processInfo.activeProcessorCount {
            waiters.append(try await SQLStore.open(url: path, logger: Logger(label: "t")))
        }
        let writes = try await holder.backend.transaction(timeout: nil) { db in
            try await db.raw("CREATE TABLE lock_wait (writer INTEGER)").run()
            let writes = waiters.enumerated().map { i, waiter in
                Task {
                    try await waiter.backend.transaction(timeout: nil) { db in
                        try await db.raw("INSERT INTO lock_wait (writer) VALUES (\(bind: i))").run()
                    }
                }
            }
            // The holder suspends while the others queue for the lock (a wait, not a result: the
            // assertions below hold however long it is), then needs a thread to go on with.
            try await Task.sleep(for: .milliseconds(200))
            try await db.raw("INSERT INTO lock_wait (writer) VALUES (-1)").run()
            return writes
        }
        for write in writes {
            // Before the fix each of these ran into the busy timeout ("database is locked").
            try await write.value
        }
        let count = try await holder.backend.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM lock_wait").first()?.decode(column: "n", as: Int.self)
        }
        #expect(count == waiters.count + 1)
        for store in waiters + [holder] { try await store.close() }
    }
}
