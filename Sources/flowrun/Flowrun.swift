import ArgumentParser
import Engine

@main
struct Flowrun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowrun",
        abstract: "A batch workflow engine for ML pipelines over time-series exam data.",
        discussion: """
            A project is the nearest folder upward holding flowrun.yaml (or workflows/ and data/); \
            `flowrun init` makes one, `flowrun config` shows its settings. Workflows are YAML files in its \
            workflows/; history lives in data/flowrun.sqlite (or PostgreSQL with DATABASE_URL). Exit codes: 0 success; 1 a run failed or validation found errors; 2 the \
            request was refused (bad input, not found, conflict).
            """,
        version: FlowrunVersion.current,
        subcommands: [
            InitCommand.self, DemoCommand.self, ValidateCommand.self, RunCommand.self, RunsCommand.self, DatasetsCommand.self,
            CacheCommand.self, WorkerCommand.self, PoolsCommand.self, SchedulesCommand.self, BackfillCommand.self, ServeCommand.self,
            WatchCommand.self, SampleDataCommand.self, ConfigCommand.self, BenchCommand.self,
        ]
    )

    static func main() async {
        OpenMPWaitPolicy.ensurePassive()
        await main(nil)
    }
}
