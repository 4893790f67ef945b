import FlowSpec
import Foundation

/// A unit of work that a workflow names with `uses:` — the place to add your own steps.
///
/// A step is a value that the engine calls once per attempt. It receives a ``StepContext``:
/// the step's `with:` parameters already resolved (every `${{ … }}` replaced), its own artifact
/// folder, a logger that writes the attempt's log file, and cooperative cancellation. It returns
/// the outputs that downstream steps read as `${{ steps.ID.outputs.NAME }}` and the metrics that
/// the store records for the run.
///
/// Rules a step follows so the engine can keep its promises:
/// - Write files only under `context.artifactDirectory` (it is created for you and is unique per
///   run and step); a retry gets the same folder, so overwrite rather than append.
/// - Throw to fail the attempt: the engine logs the error and retries per the workflow's policy.
///   For input a retry cannot fix, throw ``StepError/invalidInput(_:)`` (or any
///   ``PermanentFailure``): the step then fails at once. Either way, say what is wrong and where.
/// - Honour cancellation: timeouts and `runs cancel` cancel the running task, so call
///   `try context.checkCancellation()` between chunks of work in long loops.
///
/// ```swift
/// struct Greet: Step {
///     static let name = "greet"
///     func run(_ context: StepContext) async throws -> StepResult {
///         let who = try context.parameters.string("who", default: "world")
///         context.log.info("hello, \(who)")
///         return StepResult(outputs: ["greeting": .string("hello, \(who)")])
///     }
/// }
/// registry.register(Greet())
/// ```
public protocol Step: Sendable {
    /// The name workflows use in `uses:`.
    static var name: String { get }
    /// One line shown by `flowrun validate --explain` and the docs.
    static var summary: String { get }
    /// Runs one attempt of the step.
    func run(_ context: StepContext) async throws -> StepResult
    /// Whether the engine reuses an earlier result with the same inputs instead of running the step,
    /// unless the workflow says `cache:`. True for a pure function of its parameters and the files
    /// they name; false for a step with effects the engine cannot see, or too cheap to be worth it.
    static var cachesByDefault: Bool { get }
    /// The worker slots one attempt takes unless the workflow says `cpu:` (``StepSlots``): one by
    /// default; a step that runs several threads declares them and reads ``StepContext/threads``.
    static var slots: StepSlots { get }
}

extension Step {
    public static var summary: String { "" }
    public static var cachesByDefault: Bool { true }
    public static var slots: StepSlots { .count(1) }
}

/// What a step returns: outputs for downstream steps and metrics for the run's history.
public struct StepResult: Sendable, Equatable {
    public var outputs: [String: Value]
    public var metrics: [String: Double]

    public init(outputs: [String: Value] = [:], metrics: [String: Double] = [:]) {
        self.outputs = outputs
        self.metrics = metrics
    }
}
