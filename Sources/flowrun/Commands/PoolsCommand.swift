import ArgumentParser
import Engine
import Foundation
import Store

/// `flowrun pools`: named limits shared by every worker of a store (docs/scheduling.md).
struct PoolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pools",
        abstract: "Limit how many steps of a pool run at once, across every worker of the store.",
        discussion: """
            A step joins a pool with `pool: NAME`. A pool's limit holds across every worker and machine \
            that shares the database: it is checked in the claim itself. A pool without a limit is \
            unlimited (`flowrun run` warns when it submits such a step). flowrun.yaml's `pools:` sets \
            limits too, each time a command that runs steps starts.
            """,
        subcommands: [Set.self, List.self, Unset.self],
        defaultSubcommand: List.self)

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a pool's limit: flowrun pools set gpu 2.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The pool's name (letters, digits, '-', '_').") var name: String
        @Argument(help: "Steps of the pool that may run at once (at least 1).") var limit: Int

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine()
                defer { Task { try? await engine.close() } }
                try await engine.setPool(name: name, slots: limit)
                print("pool \(name): at most \(limit) step(s) at once")
            }
        }
    }

    struct Unset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a pool's limit (its steps then run unlimited).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The pool's name.") var name: String

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine()
                defer { Task { try? await engine.close() } }
                guard try await engine.removePool(name: name) else { throw CLIError.refused("pool '\(name)' has no limit") }
                print("pool \(name): no limit")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pools, their limits and use now.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                let engine = try await global.openEngine(readOnly: true)
                defer { Task { try? await engine.close() } }
                let pools = try await engine.pools()
                if output.json {
                    let rows: [[String: Any]] = pools.map {
                        [
                            "name": $0.name, "limit": $0.slots.map { $0 as Any } ?? NSNull(), "in_use": $0.inUse,
                            "running": $0.running, "waiting": $0.ready,
                        ]
                    }
                    let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                    return
                }
                guard !pools.isEmpty else {
                    print("no pools: set one with `flowrun pools set NAME LIMIT` and give steps `pool: NAME`")
                    return
                }
                var table = TextTable(header: ["pool", "limit", "in use", "waiting"])
                for pool in pools {
                    table.rows.append([pool.name, pool.slots.map(String.init) ?? "none (unlimited)", "\(pool.inUse)", "\(pool.ready)"])
                }
                print(table.render())
            }
        }
    }
}

/// flowrun.yaml's `pools:`, applied by the commands that run steps.
enum ProjectPools {
    static func apply(to engine: Engine) async throws {
        let pools = try Settings.current().project?.settings.pools ?? [:]
        if !pools.isEmpty { try await engine.applyPools(pools) }
    }
}
