import ArgumentParser
import Foundation

/// Peak memory of this process alone.
///
/// `getrusage`'s `ru_maxrss` is not that for a process started by another: Linux keeps the
/// high-water mark across `exec`, and `posix_spawn` (a vfork) runs the child in its parent's memory
/// until then, so a benchmark started from a large process reports the parent's peak. `VmHWM` in
/// /proc/self/status belongs to the memory map made at `exec`: this program's own peak.
enum PeakRSS {
    /// In MB; from `getrusage` where /proc is missing.
    static func ofThisProcess() -> Double {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        {
            return kilobytes / 1024
        }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// The line ``BenchPeakRSS`` ends its output with.
    static let marker = "flowrun-bench-peak-rss-mb: "
}

/// `flowrun bench peak-rss -- <command…>`: runs a flowrun command in this process, then prints this
/// process's peak memory as the last line of its output. `bench engine` measures its `flowrun run`
/// children this way: their own peak, not a high-water mark inherited from the bench (``PeakRSS``).
struct BenchPeakRSS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peak-rss", abstract: "Run a flowrun command and print its peak memory (used by bench engine).",
        shouldDisplay: false)

    @Argument(parsing: .postTerminator, help: "After --: the flowrun command and its arguments.") var command: [String] = []

    func run() async throws {
        var parsed = try Flowrun.parseAsRoot(command)
        if var command = parsed as? any AsyncParsableCommand {
            try await command.run()
        } else {
            try parsed.run()
        }
        print(PeakRSS.marker + "\(PeakRSS.ofThisProcess())")
    }
}
