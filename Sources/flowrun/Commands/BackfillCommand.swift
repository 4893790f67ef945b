import ArgumentParser
import Engine
import Foundation
import Store

/// `flowrun backfill`: one run per matching registered dataset, as a group (docs/scheduling.md).
struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Run a workflow once per registered dataset that matches, as a group; show, pause, resume or cancel a group.",
        discussion: """
            flowrun backfill exam-pipeline --datasets 'exam-2025-*.csv' --param model_type=gradient_boosting --max-parallel 4
            submits a group: at most --max-parallel of its runs are unfinished at once; the others wait in \
            the group and are started as runs finish — by this command with --wait, else by a scheduler \
            (`flowrun serve`, `flowrun worker --scheduler`). `flowrun backfill show|pause|resume|cancel GROUP` \
            act on a group; its page is /groups/GROUP.
            """,
        subcommands: [Start.self, Show.self, Pause.self, Resume.self, Cancel.self],
        defaultSubcommand: Start.self)

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", abstract: "Submit a backfill group (the default).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Workflow name (in the workflows folder) or path to a YAML file.") var workflow: String
        @Option(
            help: ArgumentHelp(
                "Which registered datasets: a glob matched against each one's file name, path and id ('*' for all).", valueName: "glob"))
        var datasets: String
        @Option(
            help: ArgumentHelp(
                "Only datasets registered on or after this day or time (2026-01-31 or 2026-01-31T12:00:00Z, UTC).", valueName: "date"))
        var since: String?
        @Option(help: ArgumentHelp("Only datasets registered before this day or time (UTC).", valueName: "date")) var until: String?
        @Option(
            name: .customLong("param"),
            help: ArgumentHelp("Override a param for every run (repeatable): model_type=gradient_boosting.", valueName: "name=value"))
        var params: [String] = []
        @Option(help: "Runs of the group unfinished at once (at least 1).") var maxParallel: Int = 4
        @Flag(help: "Run the group's steps in this process and wait until every run finished (exit 1 if one failed).") var wait = false

        func run() async throws {
            try await reportingErrors {
                let opened = try await global.openEngine()
                defer { Task { try? await opened.close() } }
                var engine = opened
                let spec = try engine.loadWorkflow(workflow)
                var request = BackfillRequest(
                    workflow: workflow, datasets: datasets, params: try ParamArguments.parse(params, for: spec),
                    maxParallel: maxParallel)
                request.since = try since.map { try Self.date($0, "--since") }
                request.until = try until.map { try Self.date($0, "--until") }
                let worker = wait ? Worker(engine: engine, options: Worker.Options()) : nil
                if let worker { engine.onWork = { worker.wake() } }
                let group: RunGroupRecord
                do { group = try await engine.backfill(request) } catch let error as BackfillError {
                    throw CLIError.refused(error.description)
                }
                print(
                    "group \(group.id) submitted: \(group.workflowName) on \(group.datasetIDs.count) dataset(s), at most \(group.maxParallel) at once"
                )
                guard let worker else {
                    print(
                        "its runs start as a scheduler releases them (flowrun serve, flowrun worker --scheduler); see flowrun backfill show \(group.id)"
                    )
                    return
                }
                let work = Task { try await worker.run() }
                // The worker stops (and removes its row) before the store closes: a bare cancel
                // let it try after the close and log "the database is closed" on every success.
                var failure: (any Error)?
                do { try await Self.follow(group.id, engine) } catch { failure = error }
                work.cancel()
                _ = try? await work.value
                if let failure { throw failure }
            }
        }

        /// Releases the group's waiting runs and prints its progress until every run finished;
        /// exit 1 if one did not succeed.
        static func follow(_ groupID: String, _ engine: Engine) async throws {
            var last = ""
            while true {
                try await engine.releaseGroup(id: groupID)
                guard let view = try await engine.group(id: groupID) else { return }
                let line = BackfillCommand.progress(view)
                if line != last { print(line); last = line }
                if view.counts["waiting", default: 0] == 0, view.runs.allSatisfy({ RunState(rawValue: $0.state)?.isFinished == true }) {
                    if view.runs.contains(where: { $0.state != RunState.succeeded.rawValue }) { throw ExitCode(1) }
                    return
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }

        static func date(_ text: String, _ flag: String) throws -> Date {
            let full = ISO8601DateFormatter()
            if let d = full.date(from: text) { return d }
            let day = ISO8601DateFormatter()
            day.formatOptions = [.withFullDate]
            if let d = day.date(from: text) { return d }
            throw CLIError.refused("\(flag): expected a day (2026-01-31) or a time (2026-01-31T12:00:00Z), got '\(text)'")
        }
    }

    /// `group grp-…: active, 3 datasets — 1 succeeded, 2 running, 0 waiting`.
    static func progress(_ view: RunGroupView) -> String {
        let order = ["succeeded", "failed", "canceled", "running", "queued", "waiting"]
        let counts = order.compactMap { key in view.counts[key].flatMap { $0 > 0 || key == "waiting" ? "\($0) \(key)" : nil } }
        return "group \(view.group.id): \(view.group.state), \(view.group.total) dataset(s) — \(counts.joined(separator: ", "))"
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A group's progress and runs.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Group id (grp-…).") var group: String

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine(readOnly: true)
                defer { Task { try? await engine.close() } }
                guard let view = try await engine.group(id: group) else {
                    throw CLIError.refused(BackfillError.groupNotFound(group).description)
                }
                print(BackfillCommand.progress(view))
                var table = TextTable(header: ["run", "dataset", "state"])
                for run in view.runs { table.rows.append([run.id, run.datasetID ?? "-", run.state]) }
                if !view.runs.isEmpty { print(table.render()) }
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start no more of the group's runs (started ones go on).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Group id.") var group: String
        func run() async throws { try await BackfillCommand.act(global, group, "paused") { try await $0.pauseGroup(id: $1) } }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start the group's waiting runs again.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Group id.") var group: String
        func run() async throws { try await BackfillCommand.act(global, group, "resumed") { try await $0.resumeGroup(id: $1) } }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start nothing more and cancel the group's unfinished runs.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Group id.") var group: String
        func run() async throws { try await BackfillCommand.act(global, group, "canceled") { try await $0.cancelGroup(id: $1) } }
    }

    static func act(
        _ global: GlobalOptions, _ group: String, _ done: String, _ action: @escaping (Engine, String) async throws -> Void
    ) async throws {
        try await reportingErrors {
            let engine = try await global.openEngine()
            defer { Task { try? await engine.close() } }
            do { try await action(engine, group) } catch let error as BackfillError { throw CLIError.refused(error.description) }
            guard let view = try await engine.group(id: group) else { return }
            print("group \(group) \(done)")
            print(progress(view))
        }
    }
}
