import FlowSpec
import Foundation

/// A workflow in `GET /api/workflows`.
struct WorkflowSummaryView: Codable, Sendable {
    var name: String
    var file: String
    var description: String
    var valid: Bool
    var errors: Int
    var warnings: Int
    var steps: [String]
    var params: [ParamView]
}

/// `GET /api/workflows/{name}`: the YAML, its diagnostics, params with defaults, inputs and steps.
struct WorkflowDetailView: Codable, Sendable {
    var name: String
    var file: String
    var description: String
    var valid: Bool
    var yaml: String
    var diagnostics: [DiagnosticView]
    var params: [ParamView]
    var inputs: [InputView]
    var steps: [WorkflowStepView]
}

/// A declared param and its default.
struct ParamView: Codable, Sendable {
    var name: String
    var type: String
    var `default`: Value?
    var `enum`: [Value]?
    var description: String

    init(_ spec: ParamSpec) {
        name = spec.name
        type = spec.type.rawValue
        `default` = spec.defaultValue
        `enum` = spec.allowed
        description = spec.description
    }
}

/// A declared input.
struct InputView: Codable, Sendable {
    var name: String
    var type: String
    var required: Bool
    var description: String
}

/// A step of a workflow, for drawing the DAG.
struct WorkflowStepView: Codable, Sendable {
    var id: String
    /// The registered step it uses (`preprocess`), or nil for a `run:` command.
    var uses: String?
    var run: String?
    var needs: [String]
}

/// `POST /api/workflows/validate` in…
struct ValidateRequest: Codable, Sendable {
    var yaml: String
    /// The name diagnostics use for the text. [default: workflow.yaml]
    var file: String?
}

/// …and out.
struct ValidateResult: Codable, Sendable {
    var valid: Bool
    /// The workflow's name when it parsed.
    var name: String?
    var diagnostics: [DiagnosticView]
}
