import Engine
import FlowSpec

/// A run reference (`latest~1`, an id prefix) that names no single run: 400, with the candidates of
/// an ambiguous prefix in `details.candidates` so a client can offer them. A `latest~N` beyond the
/// runs there are is a 404 like any missing run.
extension APIError {
    init(_ error: RunReferenceError, field: String = "id") {
        switch error {
        case .invalid:
            self = .badRequest(error.description, field: field)
        case .ambiguous(_, let candidates, let more):
            self = APIError(
                status: .badRequest, code: "ambiguous_run_id", message: error.description,
                details: ["field": .string(field), "candidates": .list(candidates.map(Value.string)), "more": .bool(more)])
        case .tooFewRuns:
            self = APIError(status: .notFound, code: "run_not_found", message: error.description, details: ["field": .string(field)])
        }
    }
}
