import NIOCore

/// Runs a task's jobs on one NIO event loop: a transaction's code runs on its connection's loop.
///
/// Without it every statement crosses threads twice — the query is handed from a pool thread to the
/// event loop, and its answer resumes the caller on a pool thread again — and on a busy machine
/// each crossing waits for a thread to be scheduled. A chained step's completion and claim are
/// a dozen statements in a row, so those waits were most of its cost (docs/architecture.md,
/// "PostgreSQL speed"). On the loop, a statement is written and its answer resumes the caller in the
/// same thread, with no wake-up. The code run this way only awaits and builds SQL; it never blocks.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
