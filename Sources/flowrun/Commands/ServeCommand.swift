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
            The dashboard is at /, the API documented at /api/docs (OpenAPI at /api/openapi.json). Every \
            route but health, the docs, login and static assets needs 'Authorization: Bearer <token>' (or the \
            dashboard's login cookie). The token is FLOWRUN_API_TOKEN when set; otherwise the server makes one \
            at first start, keeps it in <data>/api-token (mode 0600) and prints a login link that carries it. \
            --no-auth serves without a token, on a loopback address only. Requests from other web sites may \
            not change anything (docs/security.md). On SIGTERM or Ctrl-C the server stops accepting requests \
            and the embedded worker lets running steps finish for up to --grace.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var logging: LogOptions

    @Option(help: "TCP port. [env: FLOWRUN_PORT, project file: server.port, default: 8080; 0 picks a free one]") var port: Int?
    @Option(
        help:
            "Address to bind: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface). [env: FLOWRUN_HOST, project file: server.host, default: 127.0.0.1]"
    )
    var host: String?
    @Flag(help: "Only serve: run no embedded worker (run `flowrun worker` processes instead).") var noWorker = false
    @Option(help: "Slots of the embedded worker; a step takes its cpu: (1 unless it says). [default: 4 × cores]") var concurrency: Int?
    @Option(help: "Seconds a claimed step is held without a heartbeat before others take it back.") var lease: Int = 30
    @Option(help: "Seconds running steps may take to finish after SIGTERM.") var grace: Int = 30
    @Flag(help: "Serve without a token: anyone who can reach the port may run commands. Refused unless --host is a loopback address.")
    var noAuth = false
    @Option(
        help:
            "The URL users open when a reverse proxy serves flowrun (https://flowrun.lab.example): its origin may send changes. [env: FLOWRUN_PUBLIC_URL, project file: server.public_url]"
    )
    var publicURL: String?
    @Flag(help: "Also watch the workflows' trigger folders for finished uploads (as `flowrun watch`; same environment settings).")
    var watch = false
    @Flag(
        help:
            "Run no scheduler here: no cron schedules start runs and no backfill group releases runs from this server (docs/scheduling.md)."
    )
    var noScheduler = false

    func run() async throws {
        lineBufferedStandardOutput()
        try await reportingErrors {
            let logLevel = try logging.bootstrap()
            let environment = ProcessInfo.processInfo.environment
            let settings = try Settings.current()
            let portSetting = settings.resolve(.serverPort, flag: port.map(String.init), flagName: "--port")
            guard let port = portSetting.value.flatMap({ Int($0) }), (0...65535).contains(port) else {
                throw ValidationError("\(portSetting.source): the port must be a number 0-65535, not '\(portSetting.value ?? "")'")
            }
            let host = settings.resolve(.serverHost, flag: host, flagName: "--host").value ?? "127.0.0.1"
            let configuredToken = environment["FLOWRUN_API_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            if noAuth {
                guard configuredToken == nil else {
                    throw CLIError.refused("--no-auth and FLOWRUN_API_TOKEN contradict each other: unset one")
                }
                guard Loopback.isLoopback(host: host) else {
                    throw CLIError.refused(
                        "--no-auth is refused on \(host): without a token, anyone who can reach the port can run commands; bind to 127.0.0.1 or set a token"
                    )
                }
            }
            let publicURLValue = settings.resolve(.serverPublicURL, flag: publicURL, flagName: "--public-url").value
            let trustedOrigins = try Self.origin(of: publicURLValue)

            var engine = try await global.openEngine(logLevel: logLevel)
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
            // Notifications and SLAs: delivered beside the worker, never by it (docs/scheduling.md).
            services.append(
                NotifyService(
                    engine: engine, options: .init(name: "serve-\(ProcessInfo.processInfo.processIdentifier)", publicURL: publicURLValue)))
            // Schedules and backfill groups: any number of schedulers may share a store (one run per tick).
            if !noScheduler { services.append(SchedulerService(scheduler: Scheduler(engine: engine))) }
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
            let workerLine =
                workerName.map { "embedded worker \($0)" } ?? "no embedded worker (--no-worker): run `flowrun worker` to execute steps"
            let token: String?
            let tokenLine: String
            if noAuth {
                token = nil
                tokenLine = "warning: --no-auth: no token; anyone who can reach \(host) may run commands (loopback host names only)"
            } else if let configuredToken {
                token = configuredToken
                tokenLine = "API token required (FLOWRUN_API_TOKEN)"
            } else {
                do { token = try APITokenFile.loadOrCreate(dataRoot: engine.layout.root) } catch { throw CLIError.refused("\(error)") }
                tokenLine = "API token in \(APITokenFile.url(dataRoot: engine.layout.root).path) (mode 0600)"
            }
            let api = APIServices(engine: engine, apiToken: token, trustedOrigins: trustedOrigins)
            let router = APIRouter.make(services: api, extraRoutes: DashboardRoutes(services: api).register)

            let logger = Logger(label: "flowrun.serve")
            let app = Application(
                router: router,
                configuration: .init(address: .hostname(host, port: port), serverName: "flowrun"),
                services: services,
                onServerRunning: { channel in
                    let bound = channel.localAddress?.port ?? port
                    print("flowrun serve: http://\(host):\(bound)/  (dashboard; API docs: /api/docs)")
                    print(workerLine)
                    if let watchingLine { print(watchingLine) }
                    print(
                        noScheduler
                            ? "no scheduler (--no-scheduler): cron schedules and backfill groups wait for another one"
                            : "scheduler on: cron schedules and backfill groups (flowrun schedules)")
                    print(tokenLine)
                    if let token {
                        // Printed like a notebook server's link: opening it logs the browser in.
                        let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host.contains(":") ? "[\(host)]" : host
                        print("log in: http://\(shown):\(bound)/login?token=\(token)")
                    }
                },
                logger: logger)
            try await app.runService()
            try await engine.close()
        }
    }

    /// `https://flowrun.lab.example/base` → `["https://flowrun.lab.example"]`, as browsers send `Origin`.
    static func origin(of url: String?) throws -> Set<String> {
        guard let url, !url.isEmpty else { return [] }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw CLIError.refused(
                "FLOWRUN_PUBLIC_URL / --public-url must be an http(s) URL like https://flowrun.lab.example, not '\(url)'")
        }
        let port = components.port.map { ":\($0)" } ?? ""
        return ["\(scheme)://\(host.lowercased())\(port)"]
    }
}
