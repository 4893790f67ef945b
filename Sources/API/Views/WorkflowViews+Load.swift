import Engine
import FlowSpec
import Foundation

extension WorkflowSummaryView {
    /// Every workflow file in the workflows folder, with its validity, steps and params.
    static func all(engine: Engine) -> [WorkflowSummaryView] {
        engine.workflowFiles().map { url -> WorkflowSummaryView in
            let (workflow, diagnostics) = WorkflowLoader.load(
                contentsOf: url, knownSteps: engine.registry.names, displayPath: url.lastPathComponent)
            return WorkflowSummaryView(
                name: workflow?.name ?? url.deletingPathExtension().lastPathComponent, file: url.lastPathComponent,
                description: workflow?.description ?? "", valid: workflow != nil && !diagnostics.contains { $0.severity == .error },
                errors: diagnostics.count { $0.severity == .error }, warnings: diagnostics.count { $0.severity != .error },
                steps: workflow?.topologicalOrder().map(\.id) ?? [], params: workflow?.params.map(ParamView.init) ?? [])
        }
    }
}

extension WorkflowDetailView {
    /// The workflow file named `name` (with or without its extension): its text, diagnostics,
    /// params, inputs and steps. Only names of files in the workflows folder, never a path.
    static func load(name: String, engine: Engine) throws -> WorkflowDetailView {
        guard
            let url = engine.workflowFiles().first(where: {
                $0.deletingPathExtension().lastPathComponent == name || $0.lastPathComponent == name
            })
        else {
            let available = engine.workflowFiles().map { $0.deletingPathExtension().lastPathComponent }
            throw APIError.notFound(EngineError.workflowNotFound(name, available: available).description, code: "workflow_not_found")
        }
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let (workflow, diagnostics) = WorkflowLoader.load(yaml: text, file: url.lastPathComponent, knownSteps: engine.registry.names)
        return WorkflowDetailView(
            name: workflow?.name ?? name, file: url.lastPathComponent, description: workflow?.description ?? "",
            valid: workflow != nil && !diagnostics.contains { $0.severity == .error }, yaml: text,
            diagnostics: diagnostics.map(DiagnosticView.init), params: workflow?.params.map(ParamView.init) ?? [],
            inputs: workflow?.inputs.map {
                InputView(name: $0.name, type: $0.type.rawValue, required: $0.required, description: $0.description)
            } ?? [],
            steps: workflow?.topologicalOrder().map(WorkflowStepView.init) ?? [])
    }
}

extension WorkflowStepView {
    init(_ step: StepSpec) {
        switch step.action {
        case .uses(let name): self.init(id: step.id, uses: name, run: nil, needs: step.needs)
        case .run(.shell(let script)): self.init(id: step.id, uses: nil, run: script, needs: step.needs)
        case .run(.argv(let argv)): self.init(id: step.id, uses: nil, run: argv.joined(separator: " "), needs: step.needs)
        }
    }
}
