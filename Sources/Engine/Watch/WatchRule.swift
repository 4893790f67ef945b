import FlowSpec
import Foundation

/// One workflow's folder trigger, resolved: which files in which folder start a run of which
/// workflow, and when such a file counts as finished.
public struct WatchRule: Sendable, Equatable {
    /// The workflow's name, and what ``Engine/submit(_:)`` loads it by (its file).
    public var workflow: String
    public var workflowFile: String
    public var folder: URL
    /// File-name globs matched against the name (`*.csv`) or the path under `folder` (`2024/*.csv`).
    public var include: [String]
    /// `INCLUDE_EXT`, lowercased with the dot.
    public var includeExtensions: [String]?
    public var stableSeconds: Double
    public var doneFile: Bool

    public init(
        workflow: String, workflowFile: String? = nil, folder: URL, include: [String], includeExtensions: [String]? = nil,
        stableSeconds: Double, doneFile: Bool
    ) {
        self.workflow = workflow
        self.workflowFile = workflowFile ?? workflow
        self.folder = folder.standardizedFileURL
        self.include = include
        self.includeExtensions = includeExtensions
        self.stableSeconds = stableSeconds
        self.doneFile = doneFile
    }

    /// The rules of every workflow with `triggers.folder`, with the settings' overrides applied.
    /// A folder trigger's `path` is under the data root; `FLOWRUN_WATCH_DIR` replaces it.
    public static func rules(workflows: [Workflow], dataRoot: URL, settings: WatchSettings) -> [WatchRule] {
        workflows.flatMap { workflow in
            workflow.triggers.map { trigger in
                let folder =
                    settings.directory.map {
                        URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                    }
                    ?? dataRoot.appendingPathComponent(trigger.path, isDirectory: true)
                return WatchRule(
                    workflow: workflow.name, workflowFile: workflow.file, folder: folder,
                    include: trigger.include.isEmpty ? ["*"] : trigger.include,
                    includeExtensions: settings.includeExtensions,
                    stableSeconds: settings.stableSeconds ?? trigger.stableSeconds,
                    doneFile: settings.useDoneFile ?? trigger.doneFile)
            }
        }
    }

    /// Whether the file at `relativePath` (under ``folder``) is one this rule takes: by
    /// `INCLUDE_EXT` when the operator set it (case-insensitive; it replaces the trigger's
    /// patterns, as every environment setting overrides the workflow's), else by the patterns.
    public func matches(relativePath: String) -> Bool {
        let name = (relativePath as NSString).lastPathComponent
        if let extensions = includeExtensions {
            return extensions.contains { name.lowercased().hasSuffix($0) }
        }
        return include.contains { pattern in
            fnmatch(pattern, pattern.contains("/") ? relativePath : name, 0) == 0
        }
    }

    /// Names that are never finished files: partial uploads, editor backups, hidden files, markers.
    public static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".part") || name.hasSuffix(".tmp")
            || name.hasSuffix(".crdownload") || name.hasSuffix(".done")
    }
}
