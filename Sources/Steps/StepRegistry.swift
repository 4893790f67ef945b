/// The steps a workflow may name with `uses:`, by name.
///
/// Not a global: the CLI builds one with ``StepRegistry/builtIn()``, adds any of its own, and hands
/// it to the engine; validation asks it for ``names`` so FlowSpec never hard-codes step names.
public struct StepRegistry: Sendable {
    private var steps: [String: any Step] = [:]
    private var summaries: [String: String] = [:]
    private var caching: [String: Bool] = [:]
    private var slotDeclarations: [String: StepSlots] = [:]

    public init() {}

    /// A registry with every built-in step.
    public static func builtIn() -> StepRegistry {
        var registry = StepRegistry()
        registry.register(NoopStep())
        registry.register(CommandStep())
        registry.register(PreprocessStep())
        registry.register(TrainStep())
        registry.register(EvaluateStep())
        registry.register(SelectStep())
        return registry
    }

    /// Adds `step` under its `name`, replacing any step of the same name.
    public mutating func register<S: Step>(_ step: S) {
        steps[S.name] = step
        summaries[S.name] = S.summary
        caching[S.name] = S.cachesByDefault
        slotDeclarations[S.name] = S.slots
    }

    /// ``Step/slots`` of the step called `name`; one slot for an unknown name.
    public func slots(_ name: String) -> StepSlots { slotDeclarations[name] ?? .count(1) }

    /// ``Step/cachesByDefault`` of the step called `name`; false for an unknown name.
    public func cachesByDefault(_ name: String) -> Bool { caching[name] ?? false }

    public func step(named name: String) -> (any Step)? { steps[name] }

    public var names: Set<String> { Set(steps.keys) }

    /// Name → one-line summary, for `validate --explain` and docs.
    public var catalog: [(name: String, summary: String)] {
        summaries.keys.sorted().map { ($0, summaries[$0] ?? "") }
    }
}
