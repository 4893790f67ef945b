import ArgumentParser
import Engine
import Foundation
import Logging
import Steps
import Store

/// Options every command that touches data or history shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Data root: inbound/, runs/, logs/ and the embedded database. [env: FLOWRUN_DATA, project file: data, default: the project's data/]",
            valueName: "dir"))
    var data: String?

    @Option(
        help: ArgumentHelp(
            "Database: a SQLite file path or postgres://user:pass@host:5432/db. [env: DATABASE_URL, project file: database, default: <data>/flowrun.sqlite]",
            valueName: "url"))
    var database: String?

    @Option(
        help: ArgumentHelp(
            "Folder of workflow YAML files. [env: FLOWRUN_WORKFLOWS, project file: workflows, default: the project's workflows/]",
            valueName: "dir"))
    var workflows: String?

    /// The data root: `--data`, `FLOWRUN_DATA`, the project file's `data:`, or the project's `data/`.
    func dataRoot() throws -> URL {
        try Settings.current().path(.data, flag: data, flagName: "--data").url
    }

    func workflowsDirectory() throws -> URL {
        try Settings.current().path(.workflows, flag: workflows, flagName: "--workflows").url
    }

    func layout() throws -> DataLayout {
        DataLayout(root: try dataRoot(), allowedRoots: try Settings.current().allowedRoots().urls)
    }

    /// The database: `--database`, `DATABASE_URL`, the project file's `database:` (a relative SQLite
    /// path is the project's), or `<data>/flowrun.sqlite`.
    func databaseURL() throws -> String {
        let settings = try Settings.current()
        let resolved = settings.resolve(.database, flag: database, flagName: "--database")
        guard let value = resolved.value else { return try layout().database.path }
        // A URL, an absolute path, or an option's or variable's path as given (SQLite opens it
        // relative to the working folder); a file's relative path is the project's.
        if value.hasPrefix("postgres") || value.hasPrefix("/") || resolved.base == settings.workingDirectory { return value }
        return resolved.base.appendingPathComponent(value).standardizedFileURL.path
    }

    /// Opens the store (creating the data root for an embedded database) and builds the engine.
    /// - Parameters:
    ///   - logLevel: the store's and engine's; short commands keep to warnings.
    ///   - readOnly: a command that only reads history never creates a database: with no embedded
    ///     database yet it sees an empty history, and outside any project it is refused.
    func openEngine(
        clock: any EngineClock = SystemClock(), logLevel: Logger.Level = .warning, readOnly: Bool = false
    ) async throws -> Engine {
        let layout = try self.layout()
        var url = try databaseURL()
        let embedded = !url.hasPrefix("postgres")
        if embedded, readOnly, !FileManager.default.fileExists(atPath: url.replacingOccurrences(of: "sqlite://", with: "")) {
            let settings = try Settings.current()
            guard settings.knowsWhereHistoryIs(dataFlag: data, databaseFlag: database) else {
                throw CLIError.refused(settings.noProjectMessage)
            }
            // Nothing has run here yet: an empty history answers, and no file is created in the project.
            url = try EmptyHistory.path()
        } else if embedded {
            try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        }
        var logger = Logger(label: "flowrun")
        logger.logLevel = logLevel
        let store = try await SQLStore.open(url: url, logger: logger)
        var engine = Engine(
            store: store, registry: StepRegistry.builtIn(), layout: layout,
            workflowsDirectory: try workflowsDirectory(), clock: clock)
        // flowrun.yaml's `notify:`, for workflows without their own (docs/scheduling.md).
        engine.notifyDefaults = try Settings.current().project?.settings.notify ?? []
        return engine
    }
}

/// Output format for listings.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false
}
