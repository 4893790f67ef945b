import API
import ArgumentParser
import Engine
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API and dashboard, with an embedded worker, until SIGTERM.",
        discussion: """
            The dashboard is at /, the API documented at /api/docs (OpenAPI at /api/openapi.json). Set \
            FLOWRUN_API_TOKEN to require 'Authorization: Bearer <token>' on every route but /api/health (the \
            dashboard asks for the token once at /login); without it the server is open to anyone who can \
            reach the port (it says so at start). On SIGTERM or Ctrl-C the server \
            stops accepting requests and the embedded worker lets running steps finish for up to --grace.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "TCP port. [env: FLOWRUN_PORT, default: 8080; 0 picks a free one]") var port: Int?
    @Option(help: "Address to bind: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface). [env: FLOWRUN_HOST, default: 127.0.0.1]")
    var host: String?
    @Flag(help: "Only serve: run no embedded worker (run `flowrun worker` processes instead).") var noWorker = false
    @Option(help: "Steps the embedded worker runs at once. [default: number of cores]") var concurrency: Int?
    @Option(help: "Seconds a claimed step is held without a heartbeat before others take it back.") var lease: Int = 30
    @Option(help: "Seconds running steps may take to finish after SIGTERM.") var grace: Int = 30
    @Flag(help: "Also watch the workflows' trigger folders for finished uploads (as `flowrun watch`; same environment settings).")
    var watch = false

    func run() async throws {
        lineBufferedStandardOutput()
        try await reportingErrors {
            let environment = ProcessInfo.processInfo.environment
            let port = try port ?? environment["FLOWRUN_PORT"].map { text in
                guard let value = Int(text), (0...65535).contains(value) else {
                    throw ValidationError("FLOWRUN_PORT must be a port number (0-65535), not '\(text)'")
                }
                return value
            } ?? 8080
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535, not \(port)") }
            let host = host ?? environment["FLOWRUN_HOST"] ?? "127.0.0.1"

            var engine = try await global.openEngine()
            var services: [any Service] = []
            var workerName: String?
            if !noWorker {
                var options = Worker.Options(leaseDuration: .seconds(lease), heartbeatInterval: .seconds(max(1, lease / 3)))
                if let concurrency { options.concurrency = concurrency }
                let worker = Worker(engine: engine, options: options)
                engine.onWork = { worker.wake() }
                services.append(WorkerService(worker: worker, grace: .seconds(grace)))
                workerName = "\(options.name) (\(options.concurrency) slots)"
            }
            var watcherLine: String?
            if watch {
                let settings: WatchSettings
                do { settings = try WatchSettings.fromEnvironment() } catch { throw CLIError.refused("\(error)") }
                do {
                    let watcher = try FolderWatcher.make(engine: engine, settings: settings) { line in
                        print("\(Date().formatted(.iso8601)) watch: \(line)")
                    }
                    services.append(WatcherService(watcher: watcher))
                    watcherLine = "watching \(Set(watcher.rules.map(\.folder.path)).sorted().joined(separator: ", "))"
                } catch let error as WatchError {
                    throw CLIError.refused("\(error)")
                }
            }
            let watchingLine = watcherLine
            let workerLine = workerName.map { "embedded worker \($0)" } ?? "no embedded worker (--no-worker): run `flowrun worker` to execute steps"
            let token = environment["FLOWRUN_API_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            let api = APIServices(engine: engine, apiToken: token)
            let router = APIRouter.make(services: api, extraRoutes: DashboardRoutes(services: api).register)

            var logger = Logger(label: "flowrun.serve")
            logger.logLevel = .warning
            let app = Application(
                router: router,
                configuration: .init(address: .hostname(host, port: port), serverName: "flowrun"),
                services: services,
                onServerRunning: { channel in
                    let bound = channel.localAddress?.port ?? port
                    print("flowrun serve: http://\(host):\(bound)/  (dashboard; API docs: /api/docs)")
                    print(workerLine)
                    if let watchingLine { print(watchingLine) }
                    if token == nil {
                        print("warning: FLOWRUN_API_TOKEN is not set: the API is open to anyone who can reach \(host):\(bound)")
                    } else {
                        print("API token required (FLOWRUN_API_TOKEN)")
                    }
                },
                logger: logger)
            try await app.runService()
            try await engine.store.close()
        }
    }
}
