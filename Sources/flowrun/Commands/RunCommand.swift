import ArgumentParser
import Engine
import FlowSpec
import Foundation
import Logging
import Store

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start a run of a workflow and follow it to the end.",
        discussion: """
            Submits the run (validated first: a refused request writes nothing), then runs its steps in \
            this process, showing each step's state, attempt and elapsed time. Killed midway, the run is \
            not lost: `flowrun runs resume ID` (or any worker) finishes it.

            Exit codes: 0 the run succeeded; 1 it failed or was canceled; 2 the request was refused \
            (unknown workflow, invalid YAML, bad param, dataset outside the data root).
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A workflow name in the workflows folder (exam-pipeline) or a path to a YAML file.")
    var workflow: String

    @Option(help: ArgumentHelp("A file for the workflow's dataset input; registered as a dataset first.", valueName: "path"))
    var dataset: String?

    @Option(name: .customLong("dataset-id"), help: ArgumentHelp("A registered dataset for the dataset input.", valueName: "id"))
    var datasetID: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("Override a param (repeatable): model_type=logistic.", valueName: "name=value"))
    var params: [String] = []

    @Option(name: .customLong("input"), help: ArgumentHelp("Give an input other than the dataset (repeatable).", valueName: "name=value"))
    var inputs: [String] = []

    @Flag(help: "Submit and exit at once; a worker or `flowrun serve` runs the steps.")
    var detach = false

    @Option(help: ArgumentHelp(SlotsOption.help))
    var slots: Int?

    @Option(help: ArgumentHelp(SlotsOption.concurrencyHelp, visibility: .hidden))
    var concurrency: Int?

    @Option(help: "The run's priority: higher is claimed first (overrides the workflow's priority:; -100…100).")
    var priority: Int?

    @Flag(name: .customLong("no-cache"), help: "Run every step: reuse no cached result (what runs still becomes cache entries).")
    var noCache = false

    func run() async throws {
        // "submitted" must reach a file or pipe at once: a run killed later still says which it was.
        lineBufferedStandardOutput()
        try await reportingErrors {
            let slots = try SlotsOption.resolve(slots: slots, concurrency: concurrency)
            if let priority, !(-100...100).contains(priority) {
                throw CLIError.refused("--priority: expected -100 to 100, got \(priority)")
            }
            let engine = try await global.openEngine()
            try await ProjectPools.apply(to: engine)
            defer { Task { try? await engine.close() } }
            let spec = try engine.loadWorkflow(workflow)
            var request = SubmitRequest(
                workflow: workflow, params: try ParamArguments.parse(params, for: spec),
                datasetID: datasetID, datasetPath: dataset,
                inputs: try ParamArguments.parseInputs(inputs), trigger: .cli, cache: !noCache)
            request.priority = priority
            // This process's worker runs the steps: a step must fit in its slots (detached: any worker's).
            if !detach { request.slotLimit = slots ?? Worker.Options.defaultSlots }
            let run = try await engine.submit(request)
            // A `pool:` nobody limited runs unlimited: rarely what it meant (a typo, `pools set` not run yet).
            var stderr = StandardError()
            for warning in (try? await engine.unlimitedPools(spec)) ?? [] { print(warning, to: &stderr) }
            print("run \(run.id) submitted: \(spec.name), \(spec.steps.count) steps")
            if detach { return }
            // Notifications and SLAs while this process runs the steps; the run's end gets one try
            // before exit, and what fails waits in the outbox for `serve`/`worker` (docs/scheduling.md).
            let notify = NotifyService(
                engine: engine,
                options: .init(
                    name: "run-\(ProcessInfo.processInfo.processIdentifier)",
                    publicURL: try Settings.current().resolve(.serverPublicURL, flag: nil, flagName: "--public-url").value,
                    webhookTimeout: .seconds(5)), logger: Self.notifyLogger)
            let delivering = Task { try await notify.run() }
            let state = try await RunFollower.follow(engine: engine, runID: run.id, concurrency: slots)
            delivering.cancel()
            await notify.pass()
            try await RunFollower.printSummary(engine: engine, runID: run.id)
            if state != .succeeded { throw ExitCode(1) }
        }
    }
}

extension RunCommand {
    /// A delivery that fails is one line on stderr; one that works is in the run's events only.
    static var notifyLogger: Logger {
        var logger = Logger(label: "flowrun.notify")
        logger.logLevel = .warning
        return logger
    }
}

/// `--param name=value` and `--input name=value` parsing, typed by the workflow's declarations.
enum ParamArguments {
    static func parse(_ arguments: [String], for workflow: Workflow) throws -> [String: Value] {
        var values: [String: Value] = [:]
        for argument in arguments {
            let (name, text) = try split(argument, flag: "--param")
            if let spec = workflow.params.first(where: { $0.name == name }) {
                do { values[name] = try spec.parse(text) } catch {
                    throw CLIError.refused("--param \(name): \(error)")
                }
            } else {
                values[name] = .string(text)  // resolveParams names the unknown param
            }
        }
        return values
    }

    static func parseInputs(_ arguments: [String]) throws -> [String: Value] {
        var values: [String: Value] = [:]
        for argument in arguments {
            let (name, text) = try split(argument, flag: "--input")
            values[name] = .string(text)
        }
        return values
    }

    private static func split(_ argument: String, flag: String) throws -> (String, String) {
        guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
            throw CLIError.refused("\(flag) \(argument): expected NAME=VALUE")
        }
        return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
    }
}
