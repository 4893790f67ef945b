import Crypto
import FlowSpec
import Foundation
import Learn
import Steps
import Store
import Threads

/// Plans and records runs: the one entry point every trigger uses, plus cancel and retry.
///
/// Executing steps is the ``Worker``'s job; the engine only writes to the store, so any process
/// sharing the store (and the data folder) can pick the work up.
public struct Engine: Sendable {
    /// Only the Engine holds the store: the API, the dashboard and the CLI read through
    /// the read methods (EngineReads.swift) and change things through submit, cancel and retry.
    let store: any Store
    public let registry: StepRegistry
    public let layout: DataLayout
    public let workflowsDirectory: URL
    public let clock: any EngineClock
    /// Called after a run's steps were made ready, to wake in-process workers at once.
    public var onWork: @Sendable () -> Void
    /// The project's `notify:` (flowrun.yaml), for workflows without their own.
    public var notifyDefaults: [NotifyRule] = []

    public init(
        store: any Store, registry: StepRegistry, layout: DataLayout, workflowsDirectory: URL,
        clock: any EngineClock = SystemClock(), onWork: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.registry = registry
        self.layout = layout
        self.workflowsDirectory = workflowsDirectory
        self.clock = clock
        self.onWork = onWork
    }

    // MARK: Workflows

    /// The YAML files in the workflows folder, sorted by name.
    public func workflowFiles() -> [URL] {
        let files = (try? FileManager.default.contentsOfDirectory(at: workflowsDirectory, includingPropertiesForKeys: nil)) ?? []
        return files.filter { ["yaml", "yml"].contains($0.pathExtension) }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The file a workflow reference names: a path to a YAML file, or a name in the workflows folder.
    public func workflowFile(_ reference: String) throws -> URL {
        let direct = URL(fileURLWithPath: reference)
        if reference.hasSuffix(".yaml") || reference.hasSuffix(".yml") || reference.contains("/") {
            guard FileManager.default.fileExists(atPath: direct.path) else { throw EngineError.fileNotFound(reference) }
            return direct
        }
        for ext in ["yaml", "yml"] {
            let candidate = workflowsDirectory.appendingPathComponent("\(reference).\(ext)")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        let available = workflowFiles().map { $0.deletingPathExtension().lastPathComponent }
        throw EngineError.workflowNotFound(reference, available: available)
    }

    /// The file of the workflow called `name` in the workflows folder — a name only (letters, digits,
    /// `-`, `_`, `.`; an optional `.yaml`/`.yml`), never a path: what reaches the engine over HTTP.
    public func workflowFile(named name: String) throws -> URL {
        guard Self.isWorkflowName(name) else { throw EngineError.notAWorkflowName(String(name.prefix(200))) }
        let base = name.hasSuffix(".yaml") || name.hasSuffix(".yml") ? (name as NSString).deletingPathExtension : name
        for ext in ["yaml", "yml"] {
            let candidate = workflowsDirectory.appendingPathComponent("\(base).\(ext)")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        throw EngineError.workflowNotFound(name, available: workflowFiles().map { $0.deletingPathExtension().lastPathComponent })
    }

    /// `exam-pipeline`, `hello.yaml`: 1–100 of letters, digits, `-_.`, not starting with a dot.
    public static func isWorkflowName(_ name: String) -> Bool {
        (1...100).contains(name.utf8.count) && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))
            }
    }

    /// Loads and validates a workflow; any error diagnostic refuses it.
    public func loadWorkflow(_ reference: String) throws -> Workflow {
        try loadWorkflow(at: try workflowFile(reference))
    }

    /// Loads and validates the workflow file at `url`.
    public func loadWorkflow(at url: URL) throws -> Workflow {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw EngineError.unreadable(path: url.path, reason: FileProblem.describe(error))
        }
        return try parseWorkflow(yaml: text, file: displayPath(url))
    }

    /// Parses a workflow's text (e.g. the copy stored with a run).
    public func parseWorkflow(yaml: String, file: String) throws -> Workflow {
        let (workflow, diagnostics) = WorkflowLoader.load(yaml: yaml, file: file, knownSteps: registry.names)
        guard let workflow, !diagnostics.contains(where: { $0.severity == .error }) else {
            throw EngineError.invalidWorkflow(diagnostics.filter { $0.severity == .error })
        }
        return workflow
    }

    private func displayPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return url.path.hasPrefix(cwd) ? String(url.path.dropFirst(cwd.count)) : url.path
    }

    // MARK: Datasets

    /// Registers a file as a dataset (or returns the one with the same content).
    /// Refuses paths outside the allowed roots and files that do not exist.
    /// The roots are checked before the file: a path outside them is refused the same way whether
    /// or not it exists, so the answer reveals nothing about the rest of the machine.
    public func registerDataset(path: String, schemaJSON: String = "{}") async throws -> DatasetRecord {
        guard let url = layout.resolveAllowed(path) else {
            throw EngineError.pathOutsideRoots(path: path, roots: layout.allowedRoots.map(\.path))
        }
        var info = stat()
        guard stat(url.path, &info) == 0 else { throw EngineError.fileNotFound(path) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw EngineError.unreadable(path: path, reason: "it is a folder, not a file")
        // A pipe would block the read below until something wrote to it, for ever; a device never ends.
        default: throw EngineError.unreadable(path: path, reason: "it is not a regular file (a pipe, a device or a socket)")
        }
        // Hashing (and below, describing) a file of gigabytes takes seconds: on a thread of its own,
        // not the cooperative pool the API and the worker share.
        let (hash, size): (String, Int64)
        do { (hash, size) = try await ThreadExecutor.run(named: "hash dataset") { try ContentHash.sha256(of: url) } } catch {
            throw EngineError.unreadable(path: path, reason: FileProblem.describe(error))
        }
        let id = "ds-" + hash.prefix(12)
        if let known = try await store.dataset(id: id) { return known }
        var record = DatasetRecord(
            id: id, path: url.path, sizeBytes: size, contentHash: hash,
            schemaJSON: schemaJSON, registeredAt: clock.now())
        if schemaJSON == "{}", DatasetProfile.applies(to: url) {
            // Described once, at registration: a CSV that cannot be read is rejected now, with its
            // row, rather than failing every run on it later.
            do {
                let profile = try await ThreadExecutor.run(named: "describe dataset") { try DatasetProfile.measure(url, displayName: path) }
                record.schemaJSON = try DatasetProfileJSON.encode(profile)
            } catch {
                record.status = "rejected"
                record.rejectReason = ErrorText.describe(error)
            }
        }
        return try await store.registerDataset(record).record
    }

    // MARK: Runs

    /// Plans a run of `request.workflow` and writes it with all its steps in one transaction.
    /// Everything is checked first (workflow, params, inputs, dataset path): a refused request
    /// writes nothing.
    public func submit(_ request: SubmitRequest) async throws -> RunRecord {
        if let key = request.idempotencyKey, let existing = try await store.run(triggerKey: key) {
            return existing
        }
        let workflow =
            try request.workflowYAML.map { try parseWorkflow(yaml: $0, file: "\(request.workflow) (stored)") }
            ?? loadWorkflow(at: request.workflowIsName ? try workflowFile(named: request.workflow) : try workflowFile(request.workflow))
        let params: [String: Value]
        do { params = try workflow.resolveParams(request.params) } catch { throw EngineError.badParam("\(error)") }

        var inputs = request.inputs
        var datasetID: String?
        if let input = workflow.inputs.first(where: { $0.type == .dataset }) {
            var dataset: DatasetRecord?
            if let id = request.datasetID {
                guard let found = try await store.dataset(id: id) else { throw EngineError.datasetNotFound(id) }
                dataset = found
            } else if let path = request.datasetPath {
                dataset = try await registerDataset(path: path)
            }
            if let dataset {
                if dataset.status == "rejected" {
                    throw EngineError.datasetRejected(id: dataset.id, reason: dataset.rejectReason ?? "unreadable")
                }
                datasetID = dataset.id
                inputs[input.name] = .map([
                    "id": .string(dataset.id), "path": .string(dataset.path),
                    "hash": .string(dataset.contentHash), "size": .number(Double(dataset.sizeBytes)),
                ])
            }
        }
        if datasetID == nil, request.datasetID != nil || request.datasetPath != nil {
            // Silently running without the file the user named would look like a run on it.
            throw EngineError.noDatasetInput(workflow: workflow.name)
        }
        for input in workflow.inputs where input.required && inputs[input.name] == nil {
            throw EngineError.missingInput(input.name)
        }

        let now = clock.now()
        let run = RunRecord(
            id: RunID.make(at: now), workflowName: workflow.name, workflowYAML: workflow.sourceText,
            workflowHash: ContentHash.sha256(of: workflow.sourceText), paramsJSON: Value.map(params).jsonText,
            inputsJSON: Value.map(inputs).jsonText, datasetID: datasetID, trigger: request.trigger, createdAt: now,
            triggerKey: request.idempotencyKey, cache: request.cache, priority: request.priority ?? workflow.priority)
        let placed = try placements(workflow, bound: await slotBound(request))
        let steps = workflow.topologicalOrder().enumerated().map { position, step in
            NewStepRun(
                stepID: step.id, position: position, needs: step.needs, maxAttempts: step.retry.maxAttempts,
                cpu: placed[step.id]?.cpu ?? 1, pool: placed[step.id]?.pool)
        }
        try await recordNotify(workflow, runID: run.id)  // Notify/Engine+Notify.swift
        do {
            try await store.createRun(run, steps: steps)
        } catch {
            // Another process submitted the same key a moment ago: theirs is the run.
            if let key = request.idempotencyKey, let existing = try await store.run(triggerKey: key) { return existing }
            throw error
        }
        onWork()
        return run
    }

    /// Cancels a run: pending steps are canceled, running ones are stopped by their workers.
    public func cancel(runID: String) async throws {
        guard try await store.run(id: runID) != nil else { throw EngineError.runNotFound(runID) }
        try await store.cancelRun(id: runID, now: clock.now())
    }

    /// Runs a failed or canceled run's unfinished part again; succeeded steps keep their outputs.
    public func retry(runID: String) async throws {
        guard try await store.run(id: runID) != nil else { throw EngineError.runNotFound(runID) }
        try await store.retryRun(id: runID, now: clock.now())
        onWork()
    }
}

extension ContentHash {
    static func sha256(of text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
