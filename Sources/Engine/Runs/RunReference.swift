import Store

/// A run as people name it, wherever a run id is taken (the CLI's `runs show/logs/cancel/retry/
/// resume/rerun/compare`, the API's `/api/runs/{id}…` paths, the dashboard's run pages):
///
/// - a full id, `20261126-162453-dbf13ec0`;
/// - a unique prefix of one, `20261126-1624` (an ambiguous prefix is refused with the candidates);
/// - `latest`, the newest run (by submission); `latest~1` the one before it, `latest~N` N before;
/// - `latest:exam-pipeline`, `latest~1:exam-pipeline`: the same among one workflow's runs.
public enum RunReference: Hashable, Sendable {
    case id(String)
    case latest(back: Int, workflow: String?)

    /// Reads `text`; throws ``RunReferenceError/invalid(_:reason:)`` for what can name no run.
    public static func parse(_ text: String) throws -> RunReference {
        guard !text.isEmpty else { throw RunReferenceError.invalid(text, reason: "a run id is empty") }
        guard text.utf8.count <= 200 else {
            throw RunReferenceError.invalid(String(text.prefix(60)) + "…", reason: "longer than any run id")
        }
        guard text.hasPrefix("latest") else { return .id(text) }
        var rest = Substring(text.dropFirst("latest".count))
        var workflow: String?
        if let colon = rest.firstIndex(of: ":") {
            let name = String(rest[rest.index(after: colon)...])
            guard Engine.isWorkflowName(name) else {
                throw RunReferenceError.invalid(text, reason: "'\(name)' after ':' is not a workflow name")
            }
            workflow = name
            rest = rest[..<colon]
        }
        var back = 0
        if rest.hasPrefix("~") {
            guard let n = Int(rest.dropFirst()), (0...999).contains(n) else {
                throw RunReferenceError.invalid(text, reason: "expected latest~N with N a whole number from 0 to 999")
            }
            back = n
        } else if !rest.isEmpty {
            throw RunReferenceError.invalid(text, reason: "expected latest, latest~N, latest:WORKFLOW or latest~N:WORKFLOW")
        }
        return .latest(back: back, workflow: workflow)
    }
}

/// Why a run reference names no single run.
public enum RunReferenceError: Error, Equatable, CustomStringConvertible {
    /// Not a run id, a prefix or a `latest` form.
    case invalid(String, reason: String)
    /// A prefix that starts several runs' ids: the first few of them, and whether there are more.
    case ambiguous(String, candidates: [String], more: Bool)
    /// `latest~N` when there are no more than N runs (of the workflow, when one is named).
    case tooFewRuns(String, found: Int, workflow: String?)

    public var description: String {
        switch self {
        case .invalid(let text, let reason): "'\(text)' is not a run id: \(reason)"
        case .ambiguous(let prefix, let candidates, let more):
            "run id prefix '\(prefix)' is ambiguous: it starts \(candidates.joined(separator: ", "))\(more ? " and more" : "") — give more characters"
        case .tooFewRuns(let text, let found, let workflow):
            "run '\(text)' not found: there \(found == 1 ? "is 1 run" : "are \(found) runs")"
                + (workflow.map { " of workflow '\($0)'" } ?? "")
        }
    }
}

extension Engine {
    /// How many candidates an ambiguous prefix lists.
    static let ambiguousCandidates = 10

    /// The one run id `reference` names (``RunReference``): an exact id first, then a `latest`
    /// form, then a unique prefix. Throws ``EngineError/runNotFound(_:)`` for no run and
    /// ``RunReferenceError`` for an ambiguous prefix or a malformed reference.
    public func resolveRunID(_ reference: String) async throws -> String {
        switch try RunReference.parse(reference) {
        case .latest(let back, let workflow):
            let runs = try await store.runSummaries(RunQuery(workflow: workflow, limit: back + 1))
            guard runs.count > back else {
                if runs.isEmpty, back == 0 { throw EngineError.runNotFound(reference) }
                throw RunReferenceError.tooFewRuns(reference, found: runs.count, workflow: workflow)
            }
            return runs[back].id
        case .id(let text):
            if try await store.run(id: text) != nil { return text }
            // Ids hold digits, a–f and '-' only: anything else is no prefix of one.
            guard text.unicodeScalars.allSatisfy({ "0123456789abcdef-".unicodeScalars.contains($0) }) else {
                throw EngineError.runNotFound(reference)
            }
            let ids = try await store.runIDs(prefix: text, limit: Self.ambiguousCandidates + 1)
            switch ids.count {
            case 0: throw EngineError.runNotFound(reference)
            case 1: return ids[0]
            default:
                throw RunReferenceError.ambiguous(
                    text, candidates: Array(ids.prefix(Self.ambiguousCandidates)),
                    more: ids.count > Self.ambiguousCandidates)
            }
        }
    }

    /// The run `reference` names (``resolveRunID(_:)``).
    public func resolveRun(_ reference: String) async throws -> RunRecord {
        let id = try await resolveRunID(reference)
        guard let run = try await store.run(id: id) else { throw EngineError.runNotFound(reference) }
        return run
    }
}
