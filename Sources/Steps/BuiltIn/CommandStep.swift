import FlowSpec
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs an external program — what a workflow's `run:` becomes.
///
/// Parameters: `command` (a string run by `/bin/sh -c`, or a list of arguments run directly),
/// `env` (a map added to the environment), `working_directory` (default: the artifact folder).
/// The program also sees `FLOWRUN_RUN_ID`, `FLOWRUN_STEP`, `FLOWRUN_ATTEMPT`, `FLOWRUN_ARTIFACTS`
/// and `FLOWRUN_DATA`. Its stdout and stderr go to the step's log; a line `::output NAME=VALUE`
/// sets an output. Exit code 0 succeeds; anything else fails the attempt. On timeout or cancel the
/// whole process group gets SIGTERM, then SIGKILL after ``gracePeriod``; when the engine process
/// dies, however it dies, the group is killed with it (a guard process, see `cspawn.h`).
public struct CommandStep: Step {
    public static let name = "command"
    public static let summary = "runs an external program (`run:` in a workflow); exit code 0 succeeds"
    /// A program may have effects the cache key cannot see (an upload, a clock): `cache: true` opts in.
    public static let cachesByDefault = false

    /// How long a canceled program may take to exit after SIGTERM before it gets SIGKILL.
    public var gracePeriod: Duration

    public init(gracePeriod: Duration = .seconds(5)) {
        self.gracePeriod = gracePeriod
    }

    public func run(_ context: StepContext) async throws -> StepResult {
        let argv = try arguments(context.parameters)
        var environment = ProcessInfo.processInfo.environment
        if case .map(let extra)? = context.parameters["env"] {
            for (key, value) in extra { environment[key] = value.interpolated }
        }
        environment["FLOWRUN_RUN_ID"] = context.runID
        environment["FLOWRUN_STEP"] = context.stepID
        environment["FLOWRUN_ATTEMPT"] = String(context.attempt)
        environment["FLOWRUN_ARTIFACTS"] = context.artifactDirectory.path
        environment["FLOWRUN_DATA"] = context.dataRoot.path
        let directory = try context.parameters.string("working_directory", default: "")
        let workingDirectory = directory.isEmpty ? context.artifactDirectory.path : context.path(directory).path

        let outputs = OutputCollector()
        let log = context.log
        try context.checkCancellation()
        let child = try ChildProcess(argv: argv, environment: environment, directory: workingDirectory) { line in
            if let (name, value) = CommandStep.outputLine(line) { outputs.set(name, value) }
            log.info(line)
        }
        log.info("started pid \(child.pid): \(argv.joined(separator: " "))")
        let grace = gracePeriod
        let status = await withTaskCancellationHandler {
            await context.processStarted(child.started)
            return await child.wait()
        } onCancel: {
            child.signalGroup(SIGTERM)
            Task.detached {
                try? await Task.sleep(for: grace)
                child.signalGroup(SIGKILL)
            }
        }
        try context.checkCancellation()
        guard status == 0 else {
            throw StepError.failed("\(argv.first ?? "command") exited with status \(status)")
        }
        var result = StepResult(outputs: outputs.values)
        result.outputs["exit_code"] = .number(0)
        return result
    }

    private func arguments(_ parameters: Parameters) throws -> [String] {
        switch parameters["command"] {
        case .string(let script)?: return ["/bin/sh", "-c", script]
        case .list(let items)? where !items.isEmpty: return items.map(\.interpolated)
        case nil: throw StepError.missingParameter("command")
        case let other?: throw StepError.badParameter("command", expected: "a string or a non-empty list", got: other)
        }
    }

    /// `::output NAME=VALUE` → (NAME, VALUE).
    static func outputLine(_ line: String) -> (String, String)? {
        guard line.hasPrefix("::output "), let eq = line.firstIndex(of: "=") else { return nil }
        let name = line[line.index(line.startIndex, offsetBy: 9)..<eq].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        return (name, String(line[line.index(after: eq)...]))
    }
}

/// Collects `::output` lines from the output thread.
private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String: Value] = [:]

    func set(_ name: String, _ value: String) {
        lock.withLock { stored[name] = .string(value) }
    }

    var values: [String: Value] { lock.withLock { stored } }
}
