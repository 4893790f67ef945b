import FlowSpec
import Foundation

/// Everything a ``Step`` may use while it runs one attempt.
public struct StepContext: Sendable {
    /// The run this attempt belongs to.
    public let runID: String
    /// The step's id in the workflow (`train`, `evaluate`, …).
    public let stepID: String
    /// 1 for the first attempt, 2 for the first retry, …
    public let attempt: Int
    /// The step's `with:` map with every expression resolved.
    public let parameters: Parameters
    /// `data/runs/<run>/<step>/`, created the first time a step asks for it (a step that writes
    /// no files costs no directory).
    public var artifactDirectory: URL { artifacts.url }
    private let artifacts: ArtifactFolder
    /// The data root (`FLOWRUN_DATA`); relative paths in parameters are resolved against it.
    public let dataRoot: URL
    /// Writes timestamped lines to the attempt's log file.
    public let log: StepLogger
    /// The cores the engine granted this attempt; nil until the engine schedules by slots (the
    /// scheduling issue fills it). Steps read ``threads``.
    public var slots: Int?
    /// Threads a step may run at once: the granted slots, never more than the machine's cores
    /// (XGBoost's `nthread`; more threads than cores only contend).
    public var threads: Int {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        return min(cores, max(1, slots ?? cores))
    }
    private let onProcessStarted: @Sendable (StartedProcess) async -> Void

    /// - Parameter onProcessStarted: receives what a step reports with ``processStarted(_:)``; the
    ///   engine records it with the attempt. By default nothing happens.
    public init(
        runID: String, stepID: String, attempt: Int, parameters: Parameters,
        artifactDirectory: URL, dataRoot: URL, log: StepLogger, slots: Int? = nil,
        onProcessStarted: @escaping @Sendable (StartedProcess) async -> Void = { _ in }
    ) {
        self.runID = runID
        self.stepID = stepID
        self.attempt = attempt
        self.parameters = parameters
        self.artifacts = ArtifactFolder(artifactDirectory)
        self.dataRoot = dataRoot
        self.log = log
        self.slots = slots
        self.onProcessStarted = onProcessStarted
    }

    /// Tells the engine that this attempt started an external program (as `command` does), so
    /// that the program's process group can be found and stopped if the engine dies and another
    /// process takes the step back on this machine. Never fails: a record that cannot be written is
    /// a warning in the attempt's log.
    public func processStarted(_ process: StartedProcess) async {
        await onProcessStarted(process)
    }

    /// Throws `CancellationError` when the run was canceled or the step timed out.
    public func checkCancellation() throws {
        try Task.checkCancellation()
    }

    /// A path parameter resolved against the data root when it is relative.
    public func path(_ text: String) -> URL {
        text.hasPrefix("/") ? URL(fileURLWithPath: text) : dataRoot.appendingPathComponent(text)
    }

    /// ``path(_:)`` of a file that must exist: else fails with `with.<parameter>: <text>: no such file`.
    public func existingFile(_ text: String, parameter: String) throws -> URL {
        let url = path(text)
        guard FileManager.default.fileExists(atPath: url.path) else { throw StepError.failed("with.\(parameter): \(text): no such file") }
        return url
    }
}

/// Creates the artifact folder once, on first use.
private final class ArtifactFolder: @unchecked Sendable {
    private let lock = NSLock()
    private let folder: URL
    private var created = false

    init(_ folder: URL) { self.folder = folder }

    var url: URL {
        lock.withLock {
            if !created {
                try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                created = true
            }
            return folder
        }
    }
}

/// A step's log: each call appends one timestamped line to the attempt's log file.
public struct StepLogger: Sendable {
    private let sink: @Sendable (String) -> Void

    /// - Parameter sink: receives each message; the engine's sink timestamps and writes it.
    public init(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    public func info(_ message: String) { sink(message) }
    public func warning(_ message: String) { sink("warning: " + message) }

    /// A logger that drops everything (for tests and benchmarks).
    public static let discard = StepLogger { _ in }
}
