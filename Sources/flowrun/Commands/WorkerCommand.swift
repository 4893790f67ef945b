import ArgumentParser
import Engine
import Foundation
import ServiceLifecycle

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Claim and run ready steps of any run, until SIGTERM.",
        discussion: """
            Run as many workers as you like, on as many machines as share the database (PostgreSQL) and \
            the data folder. On SIGTERM or Ctrl-C the worker stops claiming, lets running steps finish for \
            up to --grace, then stops them; their leases hand them to another worker.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var logging: LogOptions

    @Option(help: ArgumentHelp(SlotsOption.help)) var slots: Int?
    @Option(help: ArgumentHelp(SlotsOption.concurrencyHelp, visibility: .hidden)) var concurrency: Int?
    @Option(help: "This worker's name in the dashboard. [default: host:pid]") var name: String?
    @Option(help: "Seconds a claimed step is held without a heartbeat before others take it back.") var lease: Int = 30
    @Option(help: "Seconds running steps may take to finish after SIGTERM.") var grace: Int = 30
    @Flag(help: "Also run the scheduler: start the workflows' cron schedules and release backfill groups (docs/scheduling.md).")
    var scheduler = false

    func run() async throws {
        lineBufferedStandardOutput()
        try await reportingErrors {
            let logLevel = try logging.bootstrap()
            let engine = try await global.openEngine(logLevel: logLevel)
            try await ProjectPools.apply(to: engine)
            var options = Worker.Options(leaseDuration: .seconds(lease), heartbeatInterval: .seconds(max(1, lease / 3)))
            if let slots = try SlotsOption.resolve(slots: slots, concurrency: concurrency) { options.slots = slots }
            if let name { options.name = name }
            let worker = Worker(engine: engine, options: options)
            let database = try global.databaseURL()
            print("worker \(options.name): \(options.slots) slots on \(database.hasPrefix("postgres") ? "PostgreSQL" : database)")
            // Notifications and SLAs are delivered by every worker and server: the outbox's lease keeps it once.
            let publicURL = try Settings.current().resolve(.serverPublicURL, flag: nil, flagName: "--public-url").value
            let notify = NotifyService(engine: engine, options: .init(name: options.name, publicURL: publicURL))
            var services: [any Service] = [WorkerService(worker: worker, grace: .seconds(grace)), notify]
            if scheduler { services.append(SchedulerService(scheduler: Scheduler(engine: engine))) }
            try await runUntilSignalled(services)
            try await engine.close()
        }
    }
}
