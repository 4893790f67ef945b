import Engine
import FlowSpec
import Foundation
import Hummingbird

/// `POST /api/workflows/validate`, by hand: it takes JSON or the YAML itself. The list and one
/// workflow are ``ContractRoutes``'.
struct WorkflowRoutes {
    let services: APIServices

    func register(on router: some RouterMethods<APIRequestContext>) {
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
            let result = ValidateResult(
                valid: workflow != nil && !diagnostics.contains { $0.severity == .error },
                name: workflow?.name, diagnostics: diagnostics.map(DiagnosticView.init))
            return try APIJSON.response(result)
        }
    }
}
