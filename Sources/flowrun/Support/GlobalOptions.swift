import ArgumentParser
import Engine
import Foundation
import Logging
import Steps
import Store

/// Options every command that touches data or history shares.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Data root: inbound/, runs/, logs/ and the embedded database. [env: FLOWRUN_DATA, default: ./data]", valueName: "dir"))
    var data: String?

    @Option(help: ArgumentHelp("Database: a SQLite file path or postgres://user:pass@host:5432/db. [env: DATABASE_URL, default: <data>/flowrun.sqlite]", valueName: "url"))
    var database: String?

    @Option(help: ArgumentHelp("Folder of workflow YAML files. [env: FLOWRUN_WORKFLOWS, default: ./workflows]", valueName: "dir"))
    var workflows: String?

    var dataRoot: URL {
        let path = data ?? ProcessInfo.processInfo.environment["FLOWRUN_DATA"] ?? "data"
        return URL(fileURLWithPath: path).standardizedFileURL
    }

    var workflowsDirectory: URL {
        URL(fileURLWithPath: workflows ?? ProcessInfo.processInfo.environment["FLOWRUN_WORKFLOWS"] ?? "workflows")
            .standardizedFileURL
    }

    var layout: DataLayout {
        let roots = (ProcessInfo.processInfo.environment["FLOWRUN_ALLOWED_ROOTS"] ?? "")
            .split(separator: ":").map { URL(fileURLWithPath: String($0)) }
        return DataLayout(root: dataRoot, allowedRoots: roots)
    }

    var databaseURL: String {
        database ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? layout.database.path
    }

    /// Opens the store (creating the data root for an embedded database) and builds the engine.
    /// - Parameter logLevel: the store's and engine's; short commands keep to warnings.
    func openEngine(clock: any EngineClock = SystemClock(), logLevel: Logger.Level = .warning) async throws -> Engine {
        let layout = self.layout
        let url = databaseURL
        if !url.hasPrefix("postgres") {
            try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        }
        var logger = Logger(label: "flowrun")
        logger.logLevel = logLevel
        let store = try await SQLStore.open(url: url, logger: logger)
        return Engine(store: store, registry: StepRegistry.builtIn(), layout: layout,
                      workflowsDirectory: workflowsDirectory, clock: clock)
    }
}

/// Output format for listings.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false
}
