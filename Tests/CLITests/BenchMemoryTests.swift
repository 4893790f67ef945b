import Foundation
import TestSupport
import Testing

/// The benchmarks' memory figures come from the process they describe: `bench csv` its own peak,
/// not the high-water mark a large parent hands on through spawn and exec; `bench engine` a
/// `flowrun run` child on the bench's own database.
@Suite struct BenchMemoryTests {
    /// This test process grows to 400 MB first: Linux keeps that mark across the spawn and exec
    /// of `bench csv` (its `getrusage` said over 400 MB); the process's own peak is far below.
    @Test func benchCSVReportsItsOwnPeakNotItsParents() throws {
        let cli = try CLI()
        try cli.write(
            "small.csv", "exam,t,value\n" + (0..<1000).map { "e\($0 % 7),\($0),\(Double($0) * 0.5)" }.joined(separator: "\n") + "\n")
        let size = 400 << 20
        let big = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        memset(big, 1, size)
        defer { big.deallocate() }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        try #require(Double(usage.ru_maxrss) / 1024 > 400, "this process's own peak must be above 400 MB for the test to mean anything")

        let result = try cli.run(["bench", "csv", cli.directory.appendingPathComponent("small.csv").path, "--threads", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let peak = try #require(report["peak_rss_mb"] as? Double)
        #expect(peak > 1 && peak < 200, "bench csv on a 1,000-row file reported \(peak) MB")
    }

    /// With `--database postgres://…` the measured `flowrun run` children run on that database
    /// too: it holds their two runs beside the bench's own two (they used a SQLite file before).
    @Test(.enabled(if: TestDatabase.all.contains(.postgres), "no PostgreSQL: run through scripts/with-postgres"))
    func benchEngineMeasuresChildrenOnTheSameDatabase() async throws {
        let cli = try CLI()
        let url = try await TestDatabase.postgres.makeURL(in: cli.directory)
        let bench = try cli.run(["bench", "engine", "--database", url, "--steps", "20", "--chain", "5", "--concurrency", "4"])
        #expect(bench.status == 0, "\(bench.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as? [String: Any])
        #expect(report["backend"] as? String == "postgresql")
        let chain = try #require(report["chain"] as? [String: Any])
        let peak = try #require(chain["peak_rss_mb"] as? Double)
        #expect(peak > 1 && peak < 1000)

        let list = try cli.run(["runs", "list", "--json", "--database", url])
        #expect(list.status == 0, "\(list.stderr)")
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(runs.count == 4, "the bench's fan-out and chain, and the two measured children's: \(runs.map { $0["workflow"] ?? $0 })")
        #expect(runs.allSatisfy { $0["state"] as? String == "succeeded" })
    }
}
