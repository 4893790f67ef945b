import ArgumentParser
import FlowSpec
import Foundation

struct BenchSpec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec",
        abstract: "Time to parse and validate a generated workflow of N steps and about 3N edges (JSON).")

    @Option(help: "Steps in the generated workflow.") var steps = 1000
    @Option(help: "Timed repetitions (the median is reported).") var repetitions: Int = 20

    func run() async throws {
        let yaml = Self.workflow(steps: steps)
        let edges = yaml.components(separatedBy: "needs:").count - 1
        var times: [Double] = []
        var diagnostics = 0
        for _ in 0..<max(1, repetitions) {
            let start = ContinuousClock.now
            let (workflow, found) = WorkflowLoader.load(yaml: yaml, file: "bench.yaml", knownSteps: ["noop"])
            let elapsed = ContinuousClock.now - start
            guard workflow != nil else { throw CLIError(message: "generated workflow did not validate: \(found.first!)", code: 1) }
            diagnostics = found.count
            times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        times.sort()
        let edgeCount = Self.edgeCount(steps: steps)
        let report: [String: Any] = [
            "steps": steps, "edges": edgeCount, "bytes": yaml.utf8.count, "needs_lists": edges,
            "median_ms": times[times.count / 2], "min_ms": times[0], "max_ms": times[times.count - 1],
            "diagnostics": diagnostics, "repetitions": times.count,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
    }

    /// Step i needs up to three earlier steps (i-1, i-7, i-31): a layered DAG of about 3N edges.
    static func needs(of i: Int) -> [Int] {
        [i - 1, i - 7, i - 31].filter { $0 >= 0 }
    }

    static func edgeCount(steps: Int) -> Int {
        (0..<steps).reduce(0) { $0 + needs(of: $1).count }
    }

    static func workflow(steps: Int) -> String {
        var yaml = "name: bench\ndescription: generated\nversion: 1\nparams:\n  size: { type: number, default: 3 }\nsteps:\n"
        for i in 0..<steps {
            yaml += "  s\(i):\n    uses: noop\n"
            let n = needs(of: i)
            if !n.isEmpty { yaml += "    needs: [\(n.map { "s\($0)" }.joined(separator: ", "))]\n" }
            yaml += "    with: { size: \"${{ params.size }}\"\(i > 0 ? ", up: \"${{ steps.s\(i - 1).outputs.size }}\"" : "") }\n"
        }
        return yaml
    }
}
