import ArgumentParser
import Engine
import FlowSpec
import Foundation
import Store

struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "List or clear reusable step results (content-addressed step caching).",
        discussion: """
            A step whose cache key — what it runs, its resolved parameters, the content of the files it \
            reads, the flowrun version — matches an earlier computed success is not run again: it becomes \
            `cached`, its files hard-linked from that attempt. See docs/experiments.md.
            """,
        subcommands: [List.self, Clear.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cache entries, newest first, with the bytes their files hold.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "How many entries.") var limit = 50

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine(readOnly: true)
                let entries = try await engine.cacheEntries(limit: limit)
                let usage = try await engine.cacheUsage()
                if output.json {
                    print(try JSONOutput.encode(CacheListing(entries: entries.map(CacheListing.Entry.init), total: usage)))
                    return
                }
                var table = TextTable(header: ["key", "workflow", "step", "run", "finished", "size"])
                for e in entries {
                    table.rows.append([
                        String(e.key.prefix(12)), e.workflowName, e.source.stepID, e.source.runID,
                        e.finishedAt.formatted(.iso8601), CacheCommand.bytes(e.bytes),
                    ])
                }
                print(entries.isEmpty ? "no cache entries" : table.render())
                print("\(usage.entries) entries, \(CacheCommand.bytes(usage.bytes))")
            }
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget cache entries so that no step reuses them (their runs keep their files).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("older-than"), help: ArgumentHelp("Only entries older than this: 30d, 12h, 90m.", valueName: "age"))
        var olderThan: String?

        func run() async throws {
            try await reportingErrors {
                var age: Duration?
                if let olderThan {
                    guard let parsed = DurationText.parse(olderThan) else {
                        throw CLIError.refused("--older-than \(olderThan): expected an age such as 30d, 12h or 90m")
                    }
                    age = parsed
                }
                let engine = try await global.openEngine()
                let cleared = try await engine.clearCache(olderThan: age)
                if output.json { print(try JSONOutput.encode(["cleared": cleared])); return }
                print("cleared \(cleared) cache entr\(cleared == 1 ? "y" : "ies")" + (olderThan.map { " older than \($0)" } ?? ""))
            }
        }
    }

    /// `1.4 MB` (``ByteText``, the one size formatter).
    static func bytes(_ n: Int64) -> String {
        ByteText.format(n)
    }
}

/// `flowrun cache list --json`.
struct CacheListing: Encodable {
    struct Entry: Encodable {
        var key: String
        var workflow: String
        var runID: String
        var stepID: String
        var attempt: Int
        var finishedAt: Date
        var bytes: Int64
        var outputs: [String: String]

        init(_ e: CacheEntry) {
            key = e.key
            workflow = e.workflowName
            runID = e.source.runID
            stepID = e.source.stepID
            attempt = e.source.attempt
            finishedAt = e.finishedAt
            bytes = e.bytes
            outputs = e.outputs
        }
    }

    var entries: [Entry]
    var total: CacheUsage
}
