import FlowSpec
import Store

/// What every trigger — CLI, API, dashboard, watcher — hands to ``Engine/submit(_:)``.
public struct SubmitRequest: Sendable {
    /// A workflow name in the workflows folder (`exam-pipeline`) or a path to a YAML file.
    public var workflow: String
    /// True when `workflow` came from outside this machine (HTTP): then it may only be a name in
    /// the workflows folder, never a path.
    public var workflowIsName = false
    /// Overrides of the workflow's `params` defaults.
    public var params: [String: Value]
    /// A registered dataset for the `dataset` input…
    public var datasetID: String?
    /// …or a file to register first (must lie inside the allowed roots).
    public var datasetPath: String?
    /// Other inputs by name.
    public var inputs: [String: Value]
    public var trigger: Trigger
    /// Submitting twice with one key makes one run; the second submit returns the first run.
    public var idempotencyKey: String?
    /// False: no step of the run reuses a cached result (`flowrun run --no-cache`, the API's
    /// `"cache": false`); what the run computes still becomes cache entries.
    public var cache = true
    /// The YAML to plan from instead of the file `workflow` names: a rerun's stored copy
    /// (``Engine/rerun(_:)``), so a rerun goes through submit's one path; `workflow` then only labels it.
    public var workflowYAML: String?
    /// Overrides the workflow's `priority:` (`flowrun run --priority`, the API's `"priority"`).
    public var priority: Int?
    /// The largest `cpu:` a step may ask for; nil: the live workers' and this machine's default
    /// (``StepPlacement``). `flowrun run` sets its in-process worker's slots.
    public var slotLimit: Int?

    public init(
        workflow: String, params: [String: Value] = [:], datasetID: String? = nil,
        datasetPath: String? = nil, inputs: [String: Value] = [:], trigger: Trigger, idempotencyKey: String? = nil,
        cache: Bool = true
    ) {
        self.cache = cache
        self.idempotencyKey = idempotencyKey
        self.workflow = workflow
        self.params = params
        self.datasetID = datasetID
        self.datasetPath = datasetPath
        self.inputs = inputs
        self.trigger = trigger
    }
}
