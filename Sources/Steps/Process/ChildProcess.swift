import CSpawn
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An external program started in its own process group under a guard (see `cspawn.h`), so that
/// stopping it stops everything it started too (a shell's children, a Python's workers), and so
/// that the whole group is killed when this process dies, however it dies.
///
/// Output is read line by line on a background thread and handed to `onLine`; nothing is buffered
/// beyond one line, so a program that prints megabytes costs no memory.
final class ChildProcess: @unchecked Sendable {
    enum LaunchError: Error, CustomStringConvertible {
        case notFound(String)
        case failed(String, stage: String, errno: Int32)

        var description: String {
            switch self {
            case .notFound(let program): "command not found: \(program)"
            case .failed(let program, let stage, let code):
                "cannot start \(program): \(stage): \(String(cString: strerror(code)))"
            }
        }
    }

    /// The program's pid, its group (the guard's pid) and when the group's leader started.
    let started: StartedProcess
    var pid: pid_t { started.pid }
    private let guardPID: pid_t
    private let outputDone = DispatchGroup()
    private let state = GroupState()

    /// Starts `argv` (argv[0] searched in the PATH of `environment` when it has no `/`) with
    /// `environment` in `directory`.
    init(
        argv: [String], environment: [String: String], directory: String?,
        onLine: @escaping @Sendable (String) -> Void
    ) throws {
        let path = try Self.resolve(argv[0], searchPath: environment["PATH"])
        // Everything the children use is built before the fork: they may not allocate.
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var child = cspawn_child()
        let rc = path.withCString { cPath in
            if let directory {
                directory.withCString { cspawn_start(cPath, cArgs, cEnv, $0, &child) }
            } else {
                cspawn_start(cPath, cArgs, cEnv, nil, &child)
            }
        }
        guard rc == 0 else {
            if child.stage == CSPAWN_EXEC && child.error_number == ENOENT { throw LaunchError.notFound(argv[0]) }
            throw LaunchError.failed(argv[0], stage: Self.describe(child.stage, directory: directory), errno: child.error_number)
        }
        guardPID = child.guard
        state.lifeline = child.lifeline
        // Read while the guard is unreaped: its /proc entry exists even if it has already exited.
        started = StartedProcess(
            pid: child.program, processGroup: child.guard,
            leaderStartTicks: ProcessTable.startTicks(of: child.guard))

        let readFD = child.output
        outputDone.enter()
        let done = outputDone
        Thread.detachNewThread {
            ChildProcess.readLines(from: readFD, onLine: onLine)
            close(readFD)
            done.leave()
        }
    }

    deinit {
        // Dropped without wait(): closing the lifeline kills the group; reap the guard.
        if let lifeline = state.takeLifeline() {
            close(lifeline)
            let guardPID = self.guardPID
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(guardPID, &status, 0) == -1 && errno == EINTR {}
            }
        }
    }

    /// Waits for the program to exit and its output to be drained; returns the exit status
    /// (128 + signal number when killed by a signal, as shells report it).
    func wait() async -> Int32 {
        let guardPID = self.guardPID
        let done = outputDone
        let state = self.state
        return await withCheckedContinuation { continuation in
            // Holds self: a ChildProcess is never dropped (which closes its lifeline) while waited for.
            Thread.detachNewThread { [self] in
                _ = self
                // Wait without reaping first: until the guard is reaped its pid cannot be reused, so
                // signalGroup can never reach another process group that took over the number.
                var info = siginfo_t()
                while waitid(P_PID, id_t(guardPID), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
                state.markEnded()
                var status: Int32 = 0
                while waitpid(guardPID, &status, 0) == -1 && errno == EINTR {}
                if let lifeline = state.takeLifeline() { close(lifeline) }
                done.wait()
                let exited = (status & 0x7f) == 0
                continuation.resume(returning: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            }
        }
    }

    /// Sends `signal` to the whole process group; nothing once the program has ended.
    func signalGroup(_ signal: Int32) {
        state.whileRunning { kill(-guardPID, signal) }
    }

    /// `name` found in `searchPath` (`:`-separated; empty entries mean the current folder), as a
    /// shell finds a command; a name with a `/` is used as it is.
    static func resolve(_ name: String, searchPath: String?) throws -> String {
        if name.contains("/") { return name }
        let directories = (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
        for directory in directories {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        throw LaunchError.notFound(name)
    }

    private static func describe(_ stage: cspawn_stage, directory: String?) -> String {
        switch stage {
        case CSPAWN_PIPE: "cannot create its output pipe"
        case CSPAWN_FORK_GUARD, CSPAWN_FORK_PROGRAM: "cannot create a process"
        case CSPAWN_NEW_GROUP: "cannot give it a process group of its own"
        case CSPAWN_DESCRIPTORS: "cannot connect its input and output"
        case CSPAWN_SIGNALS: "cannot set up its signals"
        case CSPAWN_CHDIR: "cannot change to the working directory \(directory ?? "")"
        case CSPAWN_EXEC: "cannot execute it"
        default: "its guard process ended before starting it"
        }
    }

    private static func readLines(from fd: Int32, onLine: @Sendable (String) -> Void) {
        let capacity = 64 * 1024
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var pending = [UInt8]()
        // Very long lines are cut so one line cannot exhaust memory.
        let maxLine = 64 * 1024
        while true {
            let n = read(fd, buffer, capacity)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            for i in 0..<n {
                let byte = buffer[i]
                if byte == UInt8(ascii: "\n") || pending.count >= maxLine {
                    onLine(String(decoding: pending, as: UTF8.self))
                    pending.removeAll(keepingCapacity: true)
                    if byte != UInt8(ascii: "\n") { pending.append(byte) }
                } else if byte != UInt8(ascii: "\r") {
                    pending.append(byte)
                }
            }
        }
        if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
    }
}

/// The lifeline's descriptor and whether the guard has ended, shared by wait, signalGroup and deinit.
private final class GroupState: @unchecked Sendable {
    private let lock = NSLock()
    private var ended = false
    private var lifelineFD: Int32?

    var lifeline: Int32? {
        get { lock.withLock { lifelineFD } }
        set { lock.withLock { lifelineFD = newValue } }
    }

    /// The lifeline, once: whoever takes it closes it.
    func takeLifeline() -> Int32? {
        lock.withLock {
            defer { lifelineFD = nil }
            return lifelineFD
        }
    }

    func markEnded() { lock.withLock { ended = true } }

    /// Runs `body` under the lock unless the guard has ended (and may be reaped at any moment).
    func whileRunning(_ body: () -> Void) {
        lock.withLock { if !ended { body() } }
    }
}
