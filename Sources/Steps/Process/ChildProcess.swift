import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An external program started in its own process group, so that stopping it stops everything it
/// started too (a shell's children, a Python's workers).
///
/// Output is read line by line on a background thread and handed to `onLine`; nothing is buffered
/// beyond one line, so a program that prints megabytes costs no memory.
final class ChildProcess: @unchecked Sendable {
    enum LaunchError: Error, CustomStringConvertible {
        case notFound(String)
        case failed(String, errno: Int32)

        var description: String {
            switch self {
            case .notFound(let program): "command not found: \(program)"
            case .failed(let program, let code): "cannot start \(program): \(String(cString: strerror(code)))"
            }
        }
    }

    let pid: pid_t
    private let outputDone = DispatchGroup()

    /// Starts `argv` (argv[0] searched in PATH) with `environment` in `directory`.
    init(argv: [String], environment: [String: String], directory: String?,
         onLine: @escaping @Sendable (String) -> Void) throws {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw LaunchError.failed(argv[0], errno: errno) }
        let (readFD, writeFD) = (pipeFDs[0], pipeFDs[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeFD, 1)
        posix_spawn_file_actions_adddup2(&actions, writeFD, 2)
        posix_spawn_file_actions_addclose(&actions, readFD)
        posix_spawn_file_actions_addclose(&actions, writeFD)
        if let directory {
            guard ChildProcess.addChdir(&actions, directory) == 0 else {
                throw LaunchError.failed("chdir \(directory)", errno: ENOENT)
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new process group (pgid = child's pid) so a timeout can kill the whole tree.
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGPIPE)
        sigaddset(&defaultSignals, SIGTERM)
        sigaddset(&defaultSignals, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, argv[0], &actions, &attributes, cArgs, cEnv)
        close(writeFD)
        guard rc == 0 else {
            close(readFD)
            throw rc == ENOENT ? LaunchError.notFound(argv[0]) : LaunchError.failed(argv[0], errno: rc)
        }
        pid = child

        outputDone.enter()
        let done = outputDone
        Thread.detachNewThread {
            ChildProcess.readLines(from: readFD, onLine: onLine)
            close(readFD)
            done.leave()
        }
    }

    /// Waits for the program to exit and its output to be drained; returns the exit status
    /// (128 + signal number when killed by a signal, as shells report it).
    func wait() async -> Int32 {
        let pid = self.pid
        let done = outputDone
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                done.wait()
                let exited = (status & 0x7f) == 0
                continuation.resume(returning: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            }
        }
    }

    /// Sends `signal` to the whole process group.
    func signalGroup(_ signal: Int32) {
        kill(-pid, signal)
    }

    /// glibc has `posix_spawn_file_actions_addchdir_np` (2.29+) but does not export it to Swift
    /// without `_GNU_SOURCE`; look it up by name.
    private static let addChdir: @Sendable (UnsafeMutablePointer<posix_spawn_file_actions_t>, String) -> Int32 = {
        typealias Function = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
            return { _, _ in ENOSYS }
        }
        let function = unsafeBitCast(symbol, to: Function.self)
        return { actions, path in path.withCString { function(actions, $0) } }
    }()

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
