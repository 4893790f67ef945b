import Engine
import FlowSpec
import Foundation
import Hummingbird

/// `GET /api/workflows`, `GET /api/workflows/{name}`, `POST /api/workflows/validate`.
struct WorkflowRoutes {
    let services: APIServices

    func register(on router: some RouterMethods<APIRequestContext>) {
        router.get("/api/workflows") { _, _ -> Response in
            try APIJSON.response(["workflows": WorkflowRoutes.summaries(services.engine)])
        }
        router.get("/api/workflows/{name}") { _, context -> Response in
            try APIJSON.response(try WorkflowRoutes.detail(try context.parameters.path("name"), engine: services.engine))
        }
        router.post("/api/workflows/validate") { request, context -> Response in
            let contentType = request.headers[.contentType] ?? "application/json"
            let yaml: String
            var file = "workflow.yaml"
            if contentType.hasPrefix("application/json") {
                let body = try await APIJSON.decode(ValidateRequest.self, from: request, context: context)
                yaml = body.yaml
                if let given = body.file, !given.isEmpty { file = given }
            } else {
                // YAML sent as is (application/yaml, text/yaml, text/plain).
                let buffer = try await APIJSON.body(of: request, context: context)
                yaml = String(decoding: buffer.readableBytesView, as: UTF8.self)
            }
            let (workflow, diagnostics) = WorkflowLoader.load(yaml: yaml, file: file, knownSteps: services.engine.registry.names)
            let result = ValidateResult(valid: workflow != nil && !diagnostics.contains { $0.severity == .error },
                                        name: workflow?.name, diagnostics: diagnostics.map(DiagnosticView.init))
            return try APIJSON.response(result)
        }
    }

    /// Every workflow file in the workflows folder, with its validity, steps and params.
    static func summaries(_ engine: Engine) -> [WorkflowSummaryView] {
        engine.workflowFiles().map { url -> WorkflowSummaryView in
            let (workflow, diagnostics) = WorkflowLoader.load(contentsOf: url, knownSteps: engine.registry.names, displayPath: url.lastPathComponent)
            return WorkflowSummaryView(
                name: workflow?.name ?? url.deletingPathExtension().lastPathComponent, file: url.lastPathComponent,
                description: workflow?.description ?? "", valid: workflow != nil && !diagnostics.contains { $0.severity == .error },
                errors: diagnostics.count { $0.severity == .error }, warnings: diagnostics.count { $0.severity != .error },
                steps: workflow?.topologicalOrder().map(\.id) ?? [], params: workflow?.params.map(ParamView.init) ?? [])
        }
    }

    /// The workflow file named `name` (with or without its extension): its text, diagnostics,
    /// params, inputs and steps. Only names of files in the workflows folder, never a path.
    static func detail(_ name: String, engine: Engine) throws -> WorkflowDetailView {
        guard let url = engine.workflowFiles().first(where: { $0.deletingPathExtension().lastPathComponent == name || $0.lastPathComponent == name }) else {
            let available = engine.workflowFiles().map { $0.deletingPathExtension().lastPathComponent }
            throw APIError.notFound(EngineError.workflowNotFound(name, available: available).description, code: "workflow_not_found")
        }
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let (workflow, diagnostics) = WorkflowLoader.load(yaml: text, file: url.lastPathComponent, knownSteps: engine.registry.names)
        return WorkflowDetailView(
            name: workflow?.name ?? name, file: url.lastPathComponent, description: workflow?.description ?? "",
            valid: workflow != nil && !diagnostics.contains { $0.severity == .error }, yaml: text,
            diagnostics: diagnostics.map(DiagnosticView.init), params: workflow?.params.map(ParamView.init) ?? [],
            inputs: workflow?.inputs.map { InputView(name: $0.name, type: $0.type.rawValue, required: $0.required, description: $0.description) } ?? [],
            steps: workflow?.topologicalOrder().map(WorkflowRoutes.stepView) ?? [])
    }

    static func stepView(_ step: StepSpec) -> WorkflowStepView {
        switch step.action {
        case .uses(let name): WorkflowStepView(id: step.id, uses: name, run: nil, needs: step.needs)
        case .run(.shell(let script)): WorkflowStepView(id: step.id, uses: nil, run: script, needs: step.needs)
        case .run(.argv(let argv)): WorkflowStepView(id: step.id, uses: nil, run: argv.joined(separator: " "), needs: step.needs)
        }
    }
}
