import ArgumentParser
import Engine
import Foundation
import Store

struct DatasetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "Register and list datasets (files identified by their content hash).",
        subcommands: [Add.self, List.self, Show.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a file as a dataset; the same content registered twice is one dataset.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "A file inside the data root (or FLOWRUN_ALLOWED_ROOTS).") var path: String

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine()
                let dataset = try await engine.registerDataset(path: path)
                if output.json { print(try JSONOutput.encode(dataset)); return }
                print("dataset \(dataset.id): \(dataset.path) (\(dataset.sizeBytes) bytes, sha256 \(dataset.contentHash.prefix(16))…)")
                if dataset.status == "rejected" {
                    throw CLIError.refused("dataset \(dataset.id) is rejected: \(dataset.rejectReason ?? "unreadable")")
                }
                print("flowrun datasets show \(dataset.id)   # its columns, labels and first rows")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Registered datasets, newest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "How many datasets.") var limit = 50

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine(readOnly: true)
                let datasets = try await engine.datasets(limit: limit)
                if output.json { print(try JSONOutput.encode(datasets)); return }
                var table = TextTable(header: ["id", "status", "size", "registered", "path"])
                for d in datasets {
                    table.rows.append([d.id, d.status, "\(d.sizeBytes)", d.registeredAt.formatted(.iso8601), d.path])
                }
                print(datasets.isEmpty ? "no datasets" : table.render())
                // What reusable step results cost on disk, next to what the inputs do.
                let cache = try await engine.cacheUsage()
                print("step cache: \(cache.entries) entries, \(CacheCommand.bytes(cache.bytes)) (flowrun cache list)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A dataset's file, status and profile: rows, exams, time range, labels, columns, first rows.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The dataset id (ds-…).") var id: String
        @Option(help: "How many of the recorded first rows to print.") var rows = 5

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine(readOnly: true)
                guard let dataset = try await engine.dataset(id: id) else { throw CLIError.refused("dataset '\(id)' not found") }
                if output.json { print(try JSONOutput.encode(dataset)); return }
                print(DatasetDescription.text(dataset, rows: rows))
            }
        }
    }
}
