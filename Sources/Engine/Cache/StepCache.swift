import FlowSpec
import Foundation
import Steps
import Store

/// The executor's side of step caching: makes a step's cache key, reuses an entry with that key
/// (linking its files into this step's folder), and says why a step ran when it could not.
struct StepCache: Sendable {
    let engine: Engine

    /// A reused entry: the outputs as this run sees them, and what to record with the attempt.
    struct Reuse: Sendable {
        var outputs: [String: String]
        var metrics: [String: Double]
        var source: StepAttemptKey
        var record: AttemptCache
    }

    /// Whether `spec` may reuse results in `run`: the step's (or the workflow's) `cache:`, else its
    /// kind's default — and never in a run submitted with caching off.
    func stepCaches(_ spec: StepSpec) -> Bool {
        if let cache = spec.cache { return cache }
        if case .uses(let name) = spec.action { return engine.registry.cachesByDefault(name) }
        return false
    }

    /// The parts of the key of `step` about to run with the resolved `parameters`.
    func parts(spec: StepSpec, step: StepRunRecord, parameters: [String: Value], plan: RunPlan) async throws -> CacheKeyParts {
        var known = KnownFiles()
        for (name, value) in plan.inputs {
            if case .map(let fields) = value, let path = fields["path"]?.stringValue, let hash = fields["hash"]?.stringValue {
                known.add(path: path, label: "inputs.\(name)", sha256: hash)
            }
        }
        // Upstream files were hashed once, when written: their manifests are on their attempts.
        let attempts = try await engine.store.attempts(runID: step.runID)
        for upstream in try await engine.store.steps(runID: step.runID) where upstream.state.isSuccess {
            guard let attempt = attempts.last(where: { $0.stepID == upstream.stepID && $0.attempt == upstream.attempt }),
                let json = attempt.cache?.filesJSON, let manifest = ArtifactManifest(json: json)
            else { continue }
            let folder = engine.layout.artifactDirectory(run: step.runID, step: upstream.stepID)
            for (relative, fact) in manifest.files {
                known.add(
                    path: folder.appendingPathComponent(relative).path, label: "steps.\(upstream.stepID)/\(relative)", sha256: fact.sha256)
            }
        }
        let runFolder = engine.layout.runs.appendingPathComponent(step.runID)
        let (with, files) = known.canonical(parameters, dataRoot: engine.layout.root, runFolder: runFolder)
        if case .uses(let name) = spec.action, name != CommandStep.name {
            return CacheKeyParts(action: "uses \(name)", flowrun: FlowrunVersion.current, with: with, files: files)
        }
        return CacheKeyParts(action: "run", flowrun: nil, with: with, files: files)
    }

    /// The newest entry with `parts`' key whose files are all still there, linked into this step's
    /// folder; nil when there is none (entries whose files were deleted are skipped: a miss).
    func reuse(_ parts: CacheKeyParts, step: StepRunRecord) async throws -> (reuse: Reuse?, deletedEntries: Int) {
        let key = parts.key
        var deleted = 0
        let target = engine.layout.artifactDirectory(run: step.runID, step: step.stepID)
        for entry in try await engine.store.cacheEntries(key: key) {
            // Never its own folder: linking a folder onto itself would first remove it.
            guard entry.source.runID != step.runID || entry.source.stepID != step.stepID,
                let manifest = ArtifactManifest(json: entry.filesJSON)
            else { continue }
            let source = engine.layout.artifactDirectory(run: entry.source.runID, step: entry.source.stepID)
            guard manifest.link(from: source, to: target) else {
                deleted += 1
                continue
            }
            let outputs = entry.outputs.mapValues { Self.rebase($0, from: source.path, to: target.path) }
            let record = AttemptCache(
                key: key, partsJSON: parts.json, filesJSON: entry.filesJSON, cachedFrom: entry.source,
                note: "cached from run \(entry.source.runID) (\(entry.source.stepID) attempt \(entry.source.attempt))",
                bytes: manifest.bytes, isEntry: false)
            return (Reuse(outputs: outputs, metrics: entry.metrics, source: entry.source, record: record), deleted)
        }
        return (nil, deleted)
    }

    /// Why a caching step runs: what changed in its key since the newest earlier attempt of the same
    /// workflow step, or why that attempt's result could not be used. Nil for a step never run before.
    func whyItRuns(_ parts: CacheKeyParts, step: StepRunRecord, workflow: String, runCaches: Bool, deletedEntries: Int) async -> String? {
        if !runCaches { return "caching is off for this run (--no-cache)" }
        if deletedEntries > 0 { return "the cached result's files were deleted" }
        guard let previous = try? await engine.store.previousCacheParts(workflow: workflow, stepID: step.stepID, excludingRun: step.runID),
            let old = CacheKeyParts(json: previous.partsJSON)
        else { return nil }
        if old.key == parts.key { return "the earlier result (run \(previous.source.runID)) is no longer in the cache" }
        return CacheWhy.explain(old: old, new: parts).map { "ran because \($0) since run \(previous.source.runID)" }
            ?? "its inputs changed since run \(previous.source.runID)"
    }

    /// The record of a computed success: its key, parts, the files it left, and whether it is an entry.
    func computed(_ parts: CacheKeyParts?, step: StepRunRecord, note: String?) -> AttemptCache {
        let folder = engine.layout.artifactDirectory(run: step.runID, step: step.stepID)
        let manifest = parts == nil ? nil : try? ArtifactManifest.make(of: folder)
        return AttemptCache(
            key: parts?.key, partsJSON: parts?.json, filesJSON: manifest?.json, note: note,
            bytes: manifest?.bytes, isEntry: parts != nil && manifest != nil)
    }

    /// An output's JSON text with every path in the source's folder moved to this step's folder.
    static func rebase(_ json: String, from source: String, to target: String) -> String {
        guard let value = Value(jsonText: json) else { return json }
        func walk(_ v: Value) -> Value {
            switch v {
            case .string(let s) where s == source || s.hasPrefix(source + "/"): return .string(target + s.dropFirst(source.count))
            case .list(let items): return .list(items.map(walk))
            case .map(let entries): return .map(entries.mapValues(walk))
            default: return v
            }
        }
        return walk(value).jsonText
    }
}
