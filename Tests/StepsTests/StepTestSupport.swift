import FlowSpec
import Foundation
import Steps

/// A step test's scratch data root: input files are written there, and each step's artifacts go
/// to a folder of it named after the step.
protocol StepScratch {
    var dir: URL { get }
}

extension StepScratch {
    static func newDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("steps-\(UUID().uuidString)")
    }

    func context(_ step: String, _ parameters: [String: Value], log: StepLogger = .discard) throws -> StepContext {
        let artifacts = dir.appendingPathComponent(step)
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        return StepContext(
            runID: "r", stepID: step, attempt: 1, parameters: Parameters(parameters),
            artifactDirectory: artifacts, dataRoot: dir, log: log)
    }

    /// Writes `text` under the data root; returns the name, as a step's `with:` gives it.
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    func write(_ name: String, bytes: [UInt8]) throws -> String {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(bytes).write(to: dir.appendingPathComponent(name))
        return name
    }
}

/// Collects what a step logs.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    var lines: [String] { lock.withLock { stored } }
    var logger: StepLogger { StepLogger { line in self.lock.withLock { self.stored.append(line) } } }
}
