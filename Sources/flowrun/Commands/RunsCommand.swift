import ArgumentParser
import Engine
import FlowSpec
import Foundation
import Store

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List, inspect, cancel, retry, resume, rerun and compare runs.",
        subcommands: [List.self, Show.self, Logs.self, Cancel.self, Retry.self, Resume.self, Rerun.self, Compare.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recent runs, newest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only runs in this state (queued, running, succeeded, failed, canceled).") var state: String?
        @Option(help: "Only runs of this workflow.") var workflow: String?
        @Option(help: "How many runs.") var limit = 20
        @Option(help: "Runs older than this run (the next page): an id, a prefix, latest~N.") var before: String?

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine(readOnly: true)
                // --before takes any run reference too (latest~20, a prefix).
                var query = RunQuery(workflow: workflow, limit: limit)
                if let before { query.before = try await engine.resolveRunID(before) }
                if let state {
                    guard let parsed = RunState(rawValue: state) else {
                        throw CLIError.refused(
                            "--state \(state): expected one of \(RunState.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    query.state = parsed
                }
                let runs = try await engine.runs(query)
                if output.json { print(try JSONOutput.encode(runs.map(RunSummary.init))); return }
                var table = TextTable(header: ["id", "workflow", "state", "trigger", "created", "duration"])
                for run in runs {
                    let duration = run.startedAt.map { formatDuration((run.finishedAt ?? Date()).timeIntervalSince($0)) } ?? "-"
                    table.rows.append([
                        run.id, run.workflowName, run.state.rawValue, run.trigger.rawValue,
                        run.createdAt.formatted(.iso8601), duration,
                    ])
                }
                print(runs.isEmpty ? "no runs" : table.render())
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A run's steps, attempts, outputs and metrics.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: RunReferenceHelp.argument) var id: String

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine(readOnly: true)
                let run = try await engine.resolveRun(id)
                let id = run.id
                let steps = try await engine.steps(runID: id)
                if output.json {
                    let detail = RunDetail(
                        run: RunSummary(run), params: decode(run.paramsJSON), inputs: decode(run.inputsJSON),
                        steps: steps, attempts: try await engine.attempts(runID: id),
                        metrics: try await engine.metrics(runID: id))
                    print(try JSONOutput.encode(detail))
                    return
                }
                print("run \(run.id): \(run.workflowName), \(run.state.rawValue), trigger \(run.trigger.rawValue)")
                print(RunHeader.times(created: run.createdAt, started: run.startedAt, finished: run.finishedAt))
                print("params: \(RunHeader.pairs(decode(run.paramsJSON)))")
                print("inputs: \(RunHeader.pairs(decode(run.inputsJSON), settings: try? Settings.current()))\n")
                let attempts = try await engine.attempts(runID: id)
                let waiting = try await engine.waitingReasons(for: steps)
                for step in steps {
                    print(ProgressView.line(step, now: Date()))
                    // A ready step: why it is not running yet (a pool, slots, no worker, a retry's backoff).
                    if let reason = waiting[step.stepID] { print("    \(reason)") }
                    // Where a cached step's results came from, or why a step ran although it ran before.
                    if let note = attempts.last(where: { $0.stepID == step.stepID && $0.attempt == step.attempt })?.cache?.note {
                        print("    \(note)")
                    }
                }
                try await RunFollower.printSummary(engine: engine, runID: id)
            }
        }

        private func decode(_ json: String) -> Value { RunSummary.decode(json) }
    }

    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A run's logs: the engine's, or one step's.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: RunReferenceHelp.argument) var id: String
        @Option(help: "Only this step's log (its latest attempt unless --attempt).") var step: String?
        @Option(help: "Which attempt of --step.") var attempt: Int?
        @Flag(help: "Keep printing new lines until the run finishes.") var follow = false

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine(readOnly: true)
                let id = try await engine.resolveRunID(id)
                var offsets: [URL: UInt64] = [:]
                while true {
                    for file in try await logFiles(engine, id: id) {
                        offsets[file] = printNew(file, from: offsets[file] ?? 0, label: step == nil ? file.lastPathComponent : nil)
                    }
                    guard follow, let run = try await engine.run(id: id), !run.state.isFinished else { break }
                    try await Task.sleep(for: .milliseconds(300))
                }
            }
        }

        private func logFiles(_ engine: Engine, id: String) async throws -> [URL] {
            let layout = engine.layout
            guard let step else {
                let steps = try await engine.steps(runID: id)
                return [layout.runLog(run: id)]
                    + steps.flatMap { s in
                        s.attempt == 0 ? [] : (1...s.attempt).map { layout.stepLog(run: id, step: s.stepID, attempt: $0) }
                    }
            }
            guard let record = try await engine.steps(runID: id).first(where: { $0.stepID == step }) else {
                let steps = try await engine.steps(runID: id).map(\.stepID)
                throw CLIError.refused(
                    "run '\(id)' has no step '\(step)'" + Suggestion.hint(for: step, in: steps)
                        + " (steps: \(steps.joined(separator: ", ")))")
            }
            return [layout.stepLog(run: id, step: step, attempt: attempt ?? max(1, record.attempt))]
        }

        private func printNew(_ file: URL, from offset: UInt64, label: String?) -> UInt64 {
            guard let handle = try? FileHandle(forReadingFrom: file) else { return offset }
            defer { try? handle.close() }
            try? handle.seek(toOffset: offset)
            let data = (try? handle.readToEnd()) ?? Data()
            if !data.isEmpty {
                let text = String(decoding: data, as: UTF8.self)
                if let label {
                    for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                        print("[\(label)] \(line)")
                    }
                } else {
                    FileHandleWriter.write(text, fd: 1)
                }
            }
            return offset + UInt64(data.count)
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a run: running steps are stopped, pending ones canceled.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: RunReferenceHelp.argument) var id: String

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine()
                let id = try await engine.resolveRunID(id)
                try await engine.cancel(runID: id)
                print("run \(id) canceled")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a failed or canceled run again from where it failed; succeeded steps keep their outputs.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: RunReferenceHelp.argument) var id: String
        @Flag(help: "Only queue it; a worker or `flowrun serve` runs it.") var detach = false
        @Option(help: "Steps run at once in this process.") var concurrency: Int?

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine()
                let id = try await engine.resolveRunID(id)
                try await engine.retry(runID: id)
                print("run \(id) queued again")
                if detach { return }
                let state = try await RunFollower.follow(engine: engine, runID: id, concurrency: concurrency)
                try await RunFollower.printSummary(engine: engine, runID: id)
                if state != .succeeded { throw ExitCode(1) }
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Work on an unfinished run in this process until it finishes (after a crash, say).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: RunReferenceHelp.argument) var id: String
        @Option(help: "Steps run at once in this process.") var concurrency: Int?

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine()
                let run = try await engine.resolveRun(id)
                let id = run.id
                if !run.state.isFinished {
                    _ = try await RunFollower.follow(engine: engine, runID: id, concurrency: concurrency)
                }
                try await RunFollower.printSummary(engine: engine, runID: id)
                if try await engine.run(id: id)?.state != .succeeded { throw ExitCode(1) }
            }
        }
    }
}

extension RunsCommand {
    struct Rerun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a NEW run with an earlier run's params, inputs and workflow; with caching only what changed runs.",
            discussion: """
                `retry` finishes the same run with its own definition; `rerun` makes another run. Params are \
                the earlier run's, changed by --param; the workflow is the exact YAML the earlier run used, \
                or the file as it is now with --current-workflow (params it no longer declares are dropped).
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: RunReferenceHelp.argument) var id: String
        @Option(
            name: .customLong("param"), help: ArgumentHelp("Change a param (repeatable): model_type=logistic.", valueName: "name=value"))
        var params: [String] = []
        @Flag(name: .customLong("current-workflow"), help: "Use the workflow file as it is now, not the YAML the run used.")
        var currentWorkflow = false
        @Flag(name: .customLong("no-cache"), help: "Run every step: reuse no cached result.") var noCache = false
        @Flag(help: "Submit and exit at once; a worker or `flowrun serve` runs the steps.") var detach = false
        @Option(help: "Steps run at once in this process.") var concurrency: Int?

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine()
                let earlier = try await engine.resolveRun(id)
                let id = earlier.id
                let workflow = try engine.rerunWorkflow(of: earlier, current: currentWorkflow)
                let run = try await engine.rerun(
                    RerunRequest(
                        runID: id, params: try ParamArguments.parse(params, for: workflow), currentWorkflow: currentWorkflow,
                        trigger: .cli, cache: !noCache))
                print("run \(run.id) submitted: rerun of \(id), \(workflow.name), \(workflow.steps.count) steps")
                if detach { return }
                let state = try await RunFollower.follow(engine: engine, runID: run.id, concurrency: concurrency)
                try await RunFollower.printSummary(engine: engine, runID: run.id)
                if state != .succeeded { throw ExitCode(1) }
            }
        }
    }
}

/// A run as listings print it in JSON.
struct RunSummary: Encodable {
    let id, workflow, state, trigger: String
    let datasetId: String?
    let createdAt: Date
    let startedAt, finishedAt: Date?
    let error: String?

    init(_ run: RunRecord) {
        id = run.id
        workflow = run.workflowName
        state = run.state.rawValue
        trigger = run.trigger.rawValue
        datasetId = run.datasetID
        createdAt = run.createdAt
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        error = run.error
    }

    static func decode(_ json: String) -> Value {
        Value(jsonText: json) ?? .null
    }
}

struct RunDetail: Encodable {
    let run: RunSummary
    let params: Value
    let inputs: Value
    let steps: [StepRunRecord]
    let attempts: [AttemptRecord]
    let metrics: [MetricRecord]
}
