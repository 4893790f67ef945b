import Foundation

/// A thread of its own, used as a task executor (`withTaskExecutorPreference`): what runs on it —
/// a SQLite call waiting for a lock, a step computing for a minute — blocks this thread, never
/// Swift's cooperative pool.
///
/// Why: the cooperative pool has one thread per core (two on a small machine, one in a small VM).
/// Work that blocks there holds up every task of the process: a worker's heartbeats (its lease then
/// runs out and another worker takes the step back), the API's answers, and even the task holding a
/// lock that the blocked work waits for (a 30 s stall seen in CI). docs/architecture.md, "Blocking
/// work runs on threads of its own".
///
/// The thread ends when the executor is released: each task that prefers it holds it, so none can
/// enqueue afterwards.
public final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    /// What the thread reads: kept apart from the executor so that the thread does not keep it alive.
    private final class Queue: @unchecked Sendable {
        let condition = NSCondition()
        var jobs: [UnownedJob] = []
        var stopped = false
    }

    private let queue = Queue()

    public init(name: String) {
        let queue = self.queue
        let executor = UnownedTaskExecutor(ordinary: self)
        let thread = Thread {
            // Named where ps, top and gdb read it (Foundation's `Thread.name` does not set it on Linux).
            try? String(name.utf8.prefix(15))?.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
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
        thread.start()
    }

    deinit {
        queue.condition.lock()
        queue.stopped = true
        queue.condition.signal()
        queue.condition.unlock()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.condition.lock()
        queue.jobs.append(job)
        queue.condition.signal()
        queue.condition.unlock()
    }

    /// Runs `body` on this executor's thread: the task prefers it (so do its child tasks; an
    /// unstructured `Task {}` does not) until `body` returns.
    ///
    /// `withTaskExecutorPreference` alone does not move the task: its body starts where the caller
    /// is, and a body that enters an actor at once stayed on the cooperative pool (checked with Swift
    /// 6.3.1, debug and release). `Task.yield()` re-enqueues the task, now on the preferred executor.
    public func run<T, Failure: Error>(_ body: () async throws(Failure) -> T) async throws(Failure) -> T {
        try await withTaskExecutorPreference(self) { () async throws(Failure) -> T in
            await Task.yield()
            return try await body()
        }
    }

    /// Runs `body` on a new thread of its own (the thread ends with it): for work that computes or
    /// blocks for long — hashing a large file, a step's model fit.
    public static func run<T, Failure: Error>(named name: String, _ body: () async throws(Failure) -> T) async throws(Failure) -> T {
        try await ThreadExecutor(name: name).run(body)
    }
}
