import FlowSpec
import Foundation
import Steps
import Threads

/// Runs one attempt of a step within its time limit, and gives up on a step that does not stop.
///
/// A timeout, or a stop from outside (the run canceled, the lease lost, shutdown), cancels the step's
/// task, and steps stop: a command's process group is killed, a Swift step checks cancellation
/// between chunks of work. A Swift step that never checks — blocked in a call, or in a loop — kept
/// its worker's slots for ever, its run stuck, since the attempt waited for it. It now has
/// ``stopGrace`` to stop; then the attempt ends with ``StepDidNotStop`` and the step's thread is left
/// to finish on its own (its result, if any, is dropped).
enum BoundedStepRun {
    static let stopGrace: Duration = .seconds(30)

    /// `thread`: where the step runs (nil: the shared pool). A task of its own, so that a step that
    /// does not stop can be left behind; an unstructured task does not inherit its creator's
    /// executor preference, so it is given explicitly.
    static func run(
        _ step: any Step, _ context: StepContext, timeout: Duration?, clock: any EngineClock, on thread: ThreadExecutor?
    ) async throws -> StepResult {
        // A step on the shared pool only awaits (a command, whose process group a cancel kills;
        // `noop`): without a time limit it is called in place, which saves a task per attempt
        // (measured: 0.08 ms of a chained step's 0.5).
        if thread == nil, timeout == nil { return try await step.run(context) }
        let once = ResultOnce<StepResult>()
        let timedOut = LockedFlag()
        let work = Task(executorPreference: thread) { once.finish(await Result { try await step.run(context) }) }
        let limit: Task<Void, Never>? = timeout.map { timeout in
            Task {
                do { try await clock.sleep(for: timeout) } catch { return }
                timedOut.set()
                work.cancel()
                do { try await clock.sleep(for: stopGrace) } catch { return }
                once.finish(.failure(StepDidNotStop(after: "timed out after \(DurationText.readable(timeout))", grace: stopGrace)))
            }
        }
        let stopping = LockedTask()
        defer {
            limit?.cancel()
            stopping.cancel()
        }
        let result = await withTaskCancellationHandler {
            await Result { try await once.value() }
        } onCancel: {
            work.cancel()
            stopping.start {
                do { try await clock.sleep(for: stopGrace) } catch { return }
                once.finish(.failure(StepDidNotStop(after: "it was stopped", grace: stopGrace)))
            }
        }
        if let timeout, timedOut.isSet {
            if case .failure(let error) = result, error is StepDidNotStop { throw error }
            throw TimeoutError(limit: timeout)
        }
        return try result.get()
    }
}

/// A step that went on after it was told to stop (its time limit, a cancel): given up on. Not
/// retried, since it may still write to its artifact folder, which a retry would share.
struct StepDidNotStop: Error, CustomStringConvertible {
    let after: String
    let grace: Duration
    var description: String {
        "\(after) and did not stop within \(DurationText.readable(grace)) (a Swift step that never checks cancellation): "
            + "left running on its own thread"
    }
}

struct TimeoutError: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "timed out after \(DurationText.readable(limit))" }
}

/// Set once, read from any task.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// A task started at most once from a cancellation handler, and canceled when no longer needed.
final class LockedTask: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var canceled = false

    func start(_ body: @escaping @Sendable () async -> Void) {
        lock.withLock {
            guard task == nil, !canceled else { return }
            task = Task { await body() }
        }
    }

    func cancel() {
        lock.withLock {
            canceled = true
            task?.cancel()
        }
    }
}
