import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print JSON: spec, engine, csv, api, watch, cache, forest, models, run-noop, sweep, runs-table.",
        subcommands: [
            BenchSpec.self, BenchEngine.self, BenchCSV.self, BenchAPI.self, BenchWatch.self, BenchCache.self, BenchPeakRSS.self,
            BenchForest.self, BenchModels.self, BenchRunNoop.self, BenchSweep.self, BenchRunsTable.self,
        ])
}
