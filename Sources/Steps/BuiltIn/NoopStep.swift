import FlowSpec

/// Does nothing and succeeds; echoes its parameters as outputs. For tests and benchmarks.
public struct NoopStep: Step {
    public static let name = "noop"
    public static let summary = "does nothing; its `with:` parameters become its outputs"
    /// Costs less than a cache lookup.
    public static let cachesByDefault = false

    public init() {}

    public func run(_ context: StepContext) async throws -> StepResult {
        StepResult(outputs: context.parameters.values)
    }
}
