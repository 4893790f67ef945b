import ArgumentParser
import Engine

@main
struct Flowrun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowrun",
        abstract: "A batch workflow engine for ML pipelines over time-series exam data.",
        version: FlowrunVersion.current,
        subcommands: []
    )
}
