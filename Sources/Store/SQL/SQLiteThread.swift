import Foundation

/// A thread of its own for one SQLite connection, used as a task executor
/// (`withTaskExecutorPreference`): the connection's calls block this thread, never Swift's
/// cooperative pool.
///
/// Why: SQLite waits for another connection's lock inside `sqlite3_step` (its busy handler sleeps,
/// up to the busy timeout). On the cooperative pool — one thread per core, two on a small machine —
/// two connections waiting for a lock froze every task of the process, including the one holding
/// the lock, which then could not resume to commit: the whole process stood still until the busy
/// timeouts ran out (a 30 s stall seen in CI with several stores on one file). On threads of their
/// own, waiting connections block only themselves. One hop per transaction, not per statement:
/// a transaction's statements run in place on this thread.
final class SQLiteThread: TaskExecutor, @unchecked Sendable {
    /// What the thread reads: kept apart from the executor so that the thread does not keep it alive.
    private final class Queue: @unchecked Sendable {
        let condition = NSCondition()
        var jobs: [UnownedJob] = []
        var stopped = false
    }

    private let queue = Queue()

    init(name: String) {
        let queue = self.queue
        let executor = UnownedTaskExecutor(ordinary: self)
        let thread = Thread {
            while true {
                queue.condition.lock()
                while queue.jobs.isEmpty, !queue.stopped { queue.condition.wait() }
                let batch = queue.jobs
                queue.jobs.removeAll(keepingCapacity: true)
                let stop = batch.isEmpty && queue.stopped
                queue.condition.unlock()
                if stop { return }
                for job in batch { job.runSynchronously(on: executor) }
            }
        }
        thread.name = name
        thread.start()
    }

    /// No task can enqueue any more (each one that prefers this executor holds it): the thread ends.
    deinit {
        queue.condition.lock()
        queue.stopped = true
        queue.condition.signal()
        queue.condition.unlock()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.condition.lock()
        queue.jobs.append(job)
        queue.condition.signal()
        queue.condition.unlock()
    }
}
