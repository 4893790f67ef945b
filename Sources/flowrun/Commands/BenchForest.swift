import ArgumentParser
import Foundation
import Learn

/// A random forest's fit on an idle machine and while other processes keep every core busy, with
/// XGBoost's OpenMP threads waiting passively (flowrun's setting) or actively (spinning, libgomp's
/// default and the old behaviour): the issue's 25× slowdown, measured.
///
/// Each fit runs in a child `flowrun bench forest --fit-only` started with `OMP_WAIT_POLICY` set,
/// because libgomp reads the variable when it loads, before `main` (see OpenMPWaitPolicy); the busy
/// load is one `/bin/sh` busy loop per core, started before the child and stopped after it.
struct BenchForest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forest",
        abstract: "A random forest's fit, idle and with --busy while busy loops hold every core, per OpenMP wait policy (JSON).")

    @Option(help: "Rows of the generated feature table.") var rows = 20_000
    @Option(help: "Feature columns.") var features = 40
    @Option(help: "Classes of the label (the issue's busy-machine case had 9).") var classes = 9
    @Option(help: "Trees (n_estimators).") var trees = 100
    @Flag(help: "Also fit while busy loops (--spinners, default one per core) keep the cores busy.") var busy = false
    @Option(help: "Busy loops for --busy; default: one per core.") var spinners: Int?
    @Option(help: "OpenMP wait policies to compare, comma-separated: passive (flowrun's), active (spinning).") var policies =
        "passive,active"
    @Option(help: "Fits per case (the median is reported).") var repetitions = 1
    @Flag(help: .hidden) var fitOnly = false

    func run() async throws {
        if fitOnly { return try fitOnce() }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var cases: [[String: Any]] = []
        for policy in policies.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard ["passive", "active"].contains(policy) else {
                throw CLIError(message: "--policies: '\(policy)' is not passive or active", code: 2)
            }
            for load in busy ? [false, true] : [false] {
                var times: [Double] = []
                var reported: [String: Any] = [:]
                for _ in 0..<max(1, repetitions) {
                    let spinning = load ? try (0..<(spinners ?? cores)).map { _ in try Self.spin() } : []
                    // SIGKILL: Foundation starts children with signals blocked, and a blocked SIGTERM
                    // left the loops running (and waitUntilExit waiting) forever.
                    defer {
                        spinning.forEach {
                            kill($0.processIdentifier, SIGKILL); $0.waitUntilExit()
                        }
                    }
                    reported = try child(policy: policy)
                    times.append(reported["fit_s"] as? Double ?? .nan)
                }
                times.sort()
                cases.append([
                    "omp_wait_policy": policy, "busy_loops": load ? spinners ?? cores : 0,
                    "fit_s": times[times.count / 2], "fit_s_all": times, "accuracy_train": reported["accuracy_train"] ?? 0,
                ])
            }
        }
        let report: [String: Any] = [
            "rows": rows, "features": features, "classes": classes, "trees": trees, "cores": cores,
            "cases": cases,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
    }

    /// One busy loop: a shell that never waits.
    static func spin() throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "while :; do :; done"]
        try p.run()
        return p
    }

    /// Runs this command's fit in a child process with `OMP_WAIT_POLICY=policy`; returns its JSON.
    func child(policy: String) throws -> [String: Any] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        p.arguments = [
            "bench", "forest", "--fit-only", "--rows", "\(rows)", "--features", "\(features)",
            "--classes", "\(classes)", "--trees", "\(trees)",
        ]
        p.environment = ProcessInfo.processInfo.environment.merging(["OMP_WAIT_POLICY": policy]) { _, new in new }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CLIError(message: "bench forest: the fit with OMP_WAIT_POLICY=\(policy) failed (exit \(p.terminationStatus))", code: 1)
        }
        guard json["omp_wait_policy"] as? String == policy else {
            throw CLIError(
                message: "bench forest: the child ran with OMP_WAIT_POLICY=\(json["omp_wait_policy"] ?? "unset"), not \(policy)", code: 1)
        }
        return json
    }

    /// The child: a generated table (seeded), one forest fit, its time.
    func fitOnce() throws {
        let table = Self.table(rows: rows, features: features, classes: classes)
        var config = ModelConfig(type: .randomForest)
        config.nEstimators = trees
        config.seed = 0
        var fit = Double.nan
        let model = try ModelTrainer.train(table, config: config, timed: { name, seconds in if name == "fit_seconds" { fit = seconds } })
        let predicted = try model.predict(table).labels
        let accuracy = Double(zip(predicted, table.labels).filter { $0 == $1 }.count) / Double(table.rowCount)
        let report: [String: Any] = [
            "fit_s": fit, "accuracy_train": accuracy,
            "omp_wait_policy": ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "unset",
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
    }

    /// Normal features; the class is the largest of `classes` noisy linear scores of the first ten.
    static func table(rows n: Int, features p: Int, classes k: Int) -> FeatureTable {
        var rng = SplitMix64(seed: 1)
        let weights = (0..<k).map { _ in (0..<min(p, 10)).map { _ in rng.normal() } }
        var values = [Double](), labels = [String]()
        values.reserveCapacity(n * p)
        for _ in 0..<n {
            let x = (0..<p).map { _ in rng.normal() }
            values += x
            let scores = weights.map { w in zip(w, x).reduce(0) { $0 + $1.0 * $1.1 } + rng.normal() }
            labels.append("c\(scores.indices.max { scores[$0] < scores[$1] }!)")
        }
        return FeatureTable(ids: (0..<n).map(String.init), labels: labels, featureNames: (0..<p).map { "x\($0)" }, values: values)
    }
}
