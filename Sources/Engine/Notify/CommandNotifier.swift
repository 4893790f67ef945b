import FlowSpec
import Foundation

/// A `run:` notifier: `/bin/sh -c command` with the notification's JSON on stdin. Stdin is a file,
/// not a pipe, so a command that never reads it cannot stall us or raise SIGPIPE; stderr goes to a
/// file too, so a backgrounded child holding it open cannot block the read of its last line.
public struct CommandNotifier: Sendable {
    public var timeout: Duration

    public init(timeout: Duration = .seconds(30)) {
        self.timeout = timeout
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func run(_ command: String, input: Data, environment extra: [String: String]) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let stdinFile = folder.appendingPathComponent("stdin.json")
        let stderrFile = folder.appendingPathComponent("stderr")
        try input.write(to: stdinFile)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        process.standardInput = try FileHandle(forReadingFrom: stdinFile)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: Failure(description: "could not start /bin/sh: \(error.localizedDescription)"))
                return
            }
            // The timeout kills the shell; its answer then arrives through the handler above.
            let pid = process.processIdentifier
            let seconds = timeout.seconds
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                if process.isRunning { kill(pid, SIGKILL) }
            }
        }
        guard status == 0 else {
            let tail = (try? String(contentsOf: stderrFile, encoding: .utf8))?
                .split(separator: "\n").last.map { String($0.prefix(300)) }
            let reason =
                process.terminationReason == .uncaughtSignal
                ? "was killed (signal \(status); timeout \(DurationText.format(timeout)))" : "exited with status \(status)"
            throw Failure(description: reason + (tail.map { ": \($0)" } ?? ""))
        }
    }
}
