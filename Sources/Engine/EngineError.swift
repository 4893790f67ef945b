import FlowSpec
import Store

/// Why the engine refused a request, in words a user can act on.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    case workflowNotFound(String, available: [String])
    case notAWorkflowName(String)
    case invalidWorkflow([SpecDiagnostic])
    case badParam(String)
    case missingInput(String)
    case datasetNotFound(String)
    case datasetRejected(id: String, reason: String)
    case noDatasetInput(workflow: String)
    case pathOutsideRoots(path: String, roots: [String])
    case fileNotFound(String)
    case unreadable(path: String, reason: String)
    case runNotFound(String)

    public var description: String {
        switch self {
        case .workflowNotFound(let name, let available):
            "workflow '\(name)' not found" + Suggestion.hint(for: name, in: available)
                + (available.isEmpty ? "" : " (available: \(available.joined(separator: ", ")))")
        case .notAWorkflowName(let name):
            "'\(name)' is not a workflow name: give the name of a file in the workflows folder (letters, digits, '-', '_', '.'), not a path"
        case .invalidWorkflow(let diagnostics):
            diagnostics.map(\.description).joined(separator: "\n")
        case .badParam(let message): message
        case .missingInput(let name): "input '\(name)' is required (give it with --dataset PATH or --input \(name)=…)"
        case .datasetNotFound(let id): "dataset '\(id)' not found"
        case .datasetRejected(let id, let reason): "dataset \(id) was rejected when registered: \(reason)"
        case .noDatasetInput(let workflow):
            "workflow '\(workflow)' has no dataset input: a dataset given to it would not be used (give it an input of type dataset, or leave the dataset out)"
        case .pathOutsideRoots(let path, let roots):
            "\(path): outside the allowed data roots (\(roots.joined(separator: ", "))); set FLOWRUN_ALLOWED_ROOTS to allow it"
        case .fileNotFound(let path): "\(path): no such file"
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .runNotFound(let id): "run '\(id)' not found"
        }
    }
}
