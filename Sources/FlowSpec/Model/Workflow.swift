import Foundation

/// A validated workflow file: what to run, in which order, with which parameters.
public struct Workflow: Sendable {
    public var name: String
    public var description: String
    public var version: Int
    /// In file order.
    public var params: [ParamSpec]
    public var inputs: [InputSpec]
    public var defaults: StepDefaults
    /// In file order.
    public var steps: [StepSpec]
    public var triggers: [FolderTrigger]
    /// `triggers: schedule:` — when the scheduler starts runs by itself (FlowSpec/Model/Schedule.swift).
    public var schedule: Schedule? = nil
    /// The path the file was loaded from, as given.
    public var file: String
    /// The exact YAML text.
    public var sourceText: String
    /// `notify:` — who hears of this workflow's runs (FlowSpec/Model/Notify.swift).
    public var notify: [NotifyRule] = []
    /// `priority:` — higher is claimed first (docs/scheduling.md, "Slots, pools and priorities").
    public var priority: Int = 0
    /// `sla:` — a run still going at this age notifies `sla_missed` while it runs.
    public var sla: Duration? = nil

    public func step(_ id: String) -> StepSpec? { steps.first { $0.id == id } }

    /// Steps in dependency order; ties keep file order.
    public func topologicalOrder() -> [StepSpec] {
        Topology.order(steps)
    }

    /// The params a run gets: declared defaults overridden by `overrides`, each checked against its
    /// declared type and `enum`. Unknown names and missing required params are refused.
    public func resolveParams(_ overrides: [String: Value]) throws(ParamError) -> [String: Value] {
        var result: [String: Value] = [:]
        for (name, value) in overrides where !params.contains(where: { $0.name == name }) {
            _ = value
            throw ParamError(
                param: name,
                message: "unknown param" + Suggestion.hint(for: name, in: params.map(\.name))
                    + (params.isEmpty ? " (the workflow declares none)" : " (declared: \(params.map(\.name).joined(separator: ", ")))"))
        }
        for spec in params {
            if let value = overrides[spec.name] {
                result[spec.name] = try spec.check(value)
            } else if let value = spec.defaultValue {
                result[spec.name] = value
            } else {
                throw ParamError(param: spec.name, message: "required param has no default and was not given")
            }
        }
        return result
    }
}

/// A param value that does not fit its declaration.
public struct ParamError: Error, Sendable, Equatable, CustomStringConvertible {
    public var param: String
    public var message: String
    public var description: String { "param '\(param)': \(message)" }
}

/// Retry, timeout and caching for every step that does not set its own.
public struct StepDefaults: Sendable, Equatable {
    public var retry: RetryPolicy
    public var timeout: Duration?
    /// `defaults: cache:`; nil leaves each step to its kind's default (see ``StepSpec/cachesResults``).
    public var cache: Bool?

    public init(retry: RetryPolicy = RetryPolicy(), timeout: Duration? = nil, cache: Bool? = nil) {
        self.retry = retry
        self.timeout = timeout
        self.cache = cache
    }
}

/// One step of a workflow.
public struct StepSpec: Sendable {
    public var id: String
    public var action: StepAction
    /// Raw parameters: `${{ … }}` still unresolved.
    public var with: [String: Value]
    public var needs: [String]
    /// Merged with the workflow's defaults.
    public var retry: RetryPolicy
    /// Merged with the workflow's defaults.
    public var timeout: Duration?
    /// The `if:` expression, without its `${{ }}`.
    public var condition: String?
    public var env: [String: String]
    public var workingDirectory: String?
    /// The step's `cache:`, else the workflow's `defaults: cache:`; nil when neither says (then the
    /// engine decides by the step's kind: `uses:` steps cache, commands do not).
    public var cache: Bool? = nil
    /// `cpu:` — worker slots the step takes (nil: its kind's ``Steps/StepSlots`` declaration); `pool:` — the pool it waits for.
    public var cpu: Int? = nil
    public var pool: String? = nil
    /// Where `cpu:` and `pool:` are written, for the engine's checks at submit.
    public var cpuMark: SourceMark? = nil
    public var poolMark: SourceMark? = nil
    /// `matrix:`/`gather:`, and for an instance its item (FlowSpec/Model/Matrix.swift).
    public var matrix = MatrixPart()
    /// `sla:` — this step still running at this age (from its start) notifies `sla_missed`.
    public var sla: Duration? = nil
}

/// What a step runs: a registered Swift step, or an external command.
public enum StepAction: Sendable, Equatable {
    case uses(String)
    case run(CommandSpec)
}

/// An external command: a script for `/bin/sh -c`, or arguments run directly.
public enum CommandSpec: Sendable, Equatable {
    case shell(String)
    case argv([String])
}

/// A folder the watcher observes for this workflow.
public struct FolderTrigger: Sendable, Equatable {
    /// Relative to the data root.
    public var path: String
    /// File-name globs (`*.csv`).
    public var include: [String]
    public var stableSeconds: Double
    public var doneFile: Bool

    public init(path: String, include: [String], stableSeconds: Double, doneFile: Bool) {
        self.path = path
        self.include = include
        self.stableSeconds = stableSeconds
        self.doneFile = doneFile
    }
}

/// Something a trigger must supply.
public struct InputSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case dataset, path, string
    }

    public var name: String
    public var type: Kind
    public var required: Bool
    public var description: String
}
