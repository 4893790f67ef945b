import Foundation

/// Runs the built `flowrun` binary as a real process in a scratch folder.
struct CLI {
    let directory: URL

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["FLOWRUN_BIN"] { return URL(fileURLWithPath: path) }
        // Tests/CLITests/CLIProcess.swift → package root → .build/debug/flowrun
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/flowrun")
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("workflows"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data/inbound"), withIntermediateDirectories: true)
    }

    func write(_ relativePath: String, _ text: String) throws {
        let url = directory.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Starts `flowrun ARGS` without waiting, in the scratch folder or `folder`.
    func start(_ arguments: [String], environment: [String: String] = [:], in folder: URL? = nil) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder ?? directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DATABASE_URL")
        // The scratch folder's settings, not the developer's or the CI's.
        for name in [
            "FLOWRUN_DATA", "FLOWRUN_WORKFLOWS", "FLOWRUN_ALLOWED_ROOTS", "FLOWRUN_HOST", "FLOWRUN_PORT", "FLOWRUN_LOG_LEVEL",
            "FLOWRUN_LOG_FORMAT",
        ] {
            env.removeValue(forKey: name)
        }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs `flowrun ARGS` to completion; killed (status 9) when it outlives `timeout` seconds, so
    /// that a hang fails the test that found it instead of stalling the suite.
    func run(
        _ arguments: [String], environment: [String: String] = [:], in folder: URL? = nil, timeout: Double? = nil
    ) throws
        -> Result
    {
        let (process, out, err) = try start(arguments, environment: environment, in: folder)
        if let timeout {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
                if process.isRunning { kill(pid, SIGKILL) }
            }
        }
        // Drain both pipes before waiting so a chatty process cannot block on a full pipe.
        let errData = ReadAll(err)
        let outData = ReadAll(out)
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData.wait(), as: UTF8.self),
            stderr: String(decoding: errData.wait(), as: UTF8.self))
    }
}

/// Polls `condition` every 0.1 s until it holds, or throws after `seconds` naming `what`: real
/// processes, which no injected clock reaches.
func waitFor(_ seconds: Double, _ what: String, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() {
        guard Date() < deadline else { throw CLITestError("gave up after \(Int(seconds)) s waiting for \(what)") }
        Thread.sleep(forTimeInterval: 0.1)
    }
}

/// Reads a pipe to its end on a background thread.
final class ReadAll: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let fd = pipe.fileHandleForReading.fileDescriptor
        Thread.detachNewThread { [self] in
            // POSIX reads: Foundation's readDataToEndOfFile traps on EINTR.
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
            }
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// Runs `/bin/sh -c command` and waits with waitpid. (Foundation's Process never saw `su` — used to
/// restart PostgreSQL as its owner — exit, and waitUntilExit hung.)
func runShell(_ command: String) -> Int32 {
    var pid: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (s: String) in strdup(s) } + [nil]
    defer { argv.forEach { free($0) } }
    guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status >> 8) & 0xff
}
