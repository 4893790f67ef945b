import Engine
import FlowSpec
import Foundation
import Store

/// Comparing runs (issue 16): `GET /api/runs/compare` and `GET /api/workflows/{name}/leaderboard`.
/// Both read through the engine's one model (``RunComparison``, ``Engine/leaderboard(workflow:metric:limit:)``),
/// which `flowrun runs compare` and the dashboard's compare page and workflow page show too.
extension ContractRoutes {
    func compareRuns(_ input: Operations.CompareRuns.Input) async throws -> Operations.CompareRuns.Output {
        let references = input.query.runs.split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !references.isEmpty else { throw APIError.badRequest("give run ids to compare: ?runs=ID1,ID2", field: "runs") }
        guard references.count <= Engine.compareLimit else {
            throw APIError.badRequest("compare at most \(Engine.compareLimit) runs at once, not \(references.count)", field: "runs")
        }
        let metric = input.query.metric.flatMap { $0.isEmpty ? nil : $0 }
        let comparison: RunComparison
        do {
            comparison = try await services.engine.compareRuns(references, metric: metric)
        } catch let error as RunReferenceError {
            // A metric no run reported names the `metric` parameter; the rest are about `runs`.
            if case .invalid(let text, _) = error, text == metric { throw APIError.badRequest(error.description, field: "metric") }
            throw APIError(error, field: "runs")
        } catch EngineError.runNotFound(let reference) {
            throw APIError(status: .notFound, code: "run_not_found", message: "run '\(reference)' not found", details: ["field": "runs"])
        }
        return .ok(.init(body: .json(try GeneratedWire.bridge(comparison, as: Components.Schemas.RunComparison.self))))
    }

    /// `GET /api/runs/{id}/compare`: one matrix run's instances side by side, the same model as
    /// between runs (``Engine/compareInstances(of:step:metric:)``); a run without matrix instances is
    /// a 400 saying so.
    func compareRunInstances(_ input: Operations.CompareRunInstances.Input) async throws -> Operations.CompareRunInstances.Output {
        let metric = input.query.metric.flatMap { $0.isEmpty ? nil : $0 }
        let step = input.query.step.flatMap { $0.isEmpty ? nil : $0 }
        let comparison: RunComparison
        do {
            comparison = try await services.engine.compareInstances(of: input.path.id, step: step, metric: metric)
        } catch let error as InstanceComparisonError {
            throw APIError.badRequest(error.description, field: error.field)
        } catch let error as RunReferenceError {
            throw APIError(error, field: "id")
        } catch EngineError.runNotFound(let reference) {
            throw APIError(status: .notFound, code: "run_not_found", message: "run '\(reference)' not found", details: ["field": "id"])
        }
        return .ok(.init(body: .json(try GeneratedWire.bridge(comparison, as: Components.Schemas.RunComparison.self))))
    }

    func getWorkflowLeaderboard(_ input: Operations.GetWorkflowLeaderboard.Input) async throws -> Operations.GetWorkflowLeaderboard.Output {
        let name = input.path.name
        // Refuses a name that is no workflow file, with the names there are (404 workflow_not_found).
        _ = try services.engine.workflowFile(named: name)
        let metric = input.query.metric ?? "accuracy"
        guard !metric.isEmpty, metric.utf8.count <= 200 else {
            throw APIError.badRequest("'metric' must be a metric name", field: "metric")
        }
        let limit = try Query.check("limit", input.query.limit, default: 10, in: 1...100)
        let view = try await LeaderboardView.load(workflow: name, metric: metric, limit: limit, engine: services.engine)
        return .ok(.init(body: .json(try GeneratedWire.bridge(view, as: Components.Schemas.Leaderboard.self))))
    }
}
