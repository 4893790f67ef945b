import Engine
import FlowSpec
import Foundation
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime
import Store

/// The JSON operations the generated server answers (`APIProtocol`, made from openapi.yaml by
/// scripts/generate-openapi; which ones: scripts/openapi-generator-config.yaml). The generated code
/// parses the request and writes the answer; errors are thrown as ``APIError`` (or the engine's),
/// which ``ErrorMiddleware`` writes in the API's one shape, as for the hand-written routes.
struct ContractRoutes: APIProtocol {
    let services: APIServices

    /// Registers every operation of the protocol on `router` (the guarded group).
    func register(on router: RouterGroup<APIRequestContext>) {
        do {
            try registerHandlers(
                on: JSONOnlyTransport(group: router), serverURL: Servers.Server1.url(),
                configuration: GeneratedWire.configuration)
        } catch {
            // Only the server URL in openapi.yaml ("/") can fail here: a broken build, not a request.
            fatalError("openapi.yaml's server URL: \(error)")
        }
    }

    // MARK: Workflows

    func listWorkflows(_ input: Operations.ListWorkflows.Input) async throws -> Operations.ListWorkflows.Output {
        let list = ["workflows": WorkflowSummaryView.all(engine: services.engine)]
        return .ok(.init(body: .json(try GeneratedWire.bridge(list, as: Components.Schemas.WorkflowList.self))))
    }

    func getWorkflow(_ input: Operations.GetWorkflow.Input) async throws -> Operations.GetWorkflow.Output {
        let view = try WorkflowDetailView.load(name: input.path.name, engine: services.engine)
        return .ok(.init(body: .json(try GeneratedWire.bridge(view, as: Components.Schemas.WorkflowDetail.self))))
    }

    // MARK: Datasets

    func listDatasets(_ input: Operations.ListDatasets.Input) async throws -> Operations.ListDatasets.Output {
        let limit = try Query.check("limit", input.query.limit, default: 100, in: 1...1000)
        let records = try await services.engine.datasets(limit: limit)
        return .ok(.init(body: .json(.init(datasets: try records.map(Self.dataset)))))
    }

    func getDataset(_ input: Operations.GetDataset.Input) async throws -> Operations.GetDataset.Output {
        let id = input.path.id
        guard let record = try await services.engine.dataset(id: id) else {
            throw APIError.notFound("dataset '\(id)' not found", code: "dataset_not_found")
        }
        return .ok(.init(body: .json(try Self.dataset(record))))
    }

    static func dataset(_ record: DatasetRecord) throws -> Components.Schemas.Dataset {
        Components.Schemas.Dataset(
            id: record.id, path: record.path, sizeBytes: Int(record.sizeBytes), contentHash: record.contentHash,
            schema: try GeneratedWire.container(JSONText.value(record.schemaJSON, fallback: .map([:]))),
            registeredAt: record.registeredAt,
            status: try GeneratedWire.wire(record.status, as: Components.Schemas.Dataset.StatusPayload.self),
            rejectReason: record.rejectReason)
    }

    // MARK: Runs

    func getRun(_ input: Operations.GetRun.Input) async throws -> Operations.GetRun.Output {
        let view = try await RunDetailView.load(id: try await services.engine.resolveRunID(input.path.id), engine: services.engine)
        return .ok(.init(body: .json(try GeneratedWire.bridge(view, as: Components.Schemas.RunDetail.self))))
    }

    func cancelRun(_ input: Operations.CancelRun.Input) async throws -> Operations.CancelRun.Output {
        let id = try await services.engine.resolveRunID(input.path.id)
        try await services.engine.cancel(runID: id)
        return .ok(.init(body: .json(try await summary(id))))
    }

    func retryRun(_ input: Operations.RetryRun.Input) async throws -> Operations.RetryRun.Output {
        let id = try await services.engine.resolveRunID(input.path.id)
        try await services.engine.retry(runID: id)
        return .ok(.init(body: .json(try await summary(id))))
    }

    func getRunParams(_ input: Operations.GetRunParams.Input) async throws -> Operations.GetRunParams.Output {
        let id = try await services.engine.resolveRunID(input.path.id)
        guard let run = try await services.engine.run(id: id) else {
            throw APIError.notFound("run '\(id)' not found", code: "run_not_found")
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        runId: run.id, workflow: run.workflowName, datasetId: run.datasetID,
                        params: try GeneratedWire.object(JSONText.value(run.paramsJSON, fallback: .map([:])))))))
    }

    func summary(_ id: String) async throws -> Components.Schemas.RunSummary {
        guard let run = try await services.engine.run(id: id) else {
            throw APIError.notFound("run '\(id)' not found", code: "run_not_found")
        }
        let now = services.engine.clock.now()
        return Components.Schemas.RunSummary(
            id: run.id, workflow: run.workflowName, state: try GeneratedWire.wire(run.state.rawValue, as: Components.Schemas.RunState.self),
            trigger: try GeneratedWire.wire(run.trigger.rawValue, as: Components.Schemas.RunSummary.TriggerPayload.self),
            datasetId: run.datasetID, createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt,
            durationSeconds: run.startedAt.map { (run.finishedAt ?? now).timeIntervalSince($0) }, error: run.error)
    }

    // MARK: Comparing

    func compareMetrics(_ input: Operations.CompareMetrics.Input) async throws -> Operations.CompareMetrics.Output {
        let ids = (input.query.runs ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !ids.isEmpty else { throw APIError.badRequest("give run ids to compare: ?runs=ID1,ID2", field: "runs") }
        guard ids.count <= 50 else { throw APIError.badRequest("compare at most 50 runs at once, not \(ids.count)", field: "runs") }
        var columns: [Components.Schemas.CompareRun] = []
        var names: Set<String> = []
        for id in ids {
            guard let run = try await services.engine.run(id: id) else {
                throw APIError(status: .notFound, code: "run_not_found", message: "run '\(id)' not found", details: ["field": "runs"])
            }
            var metrics: [String: Double] = [:]
            for metric in try await services.engine.metrics(runID: id) {
                metrics[metric.stepID + "." + metric.name] = metric.value
            }
            names.formUnion(metrics.keys)
            columns.append(
                Components.Schemas.CompareRun(
                    id: run.id, workflow: run.workflowName,
                    state: try GeneratedWire.wire(run.state.rawValue, as: Components.Schemas.RunState.self),
                    createdAt: run.createdAt, params: try GeneratedWire.object(JSONText.value(run.paramsJSON, fallback: .map([:]))),
                    metrics: .init(additionalProperties: metrics)))
        }
        return .ok(.init(body: .json(.init(metrics: names.sorted(), runs: columns))))
    }
}
