import Foundation

/// Who holds a SQLite file's write lock, for the error a busy timeout gives.
///
/// In WAL mode the write lock is a POSIX lock on byte 120 of the `-shm` file (SQLite's
/// `WAL_WRITE_LOCK`); Linux lists every POSIX lock, with its process, in `/proc/locks`. A
/// process stopped inside a write transaction (SIGSTOP, a suspended terminal, a frozen VM)
/// keeps that lock for ever and every writer waits for it: the error must name it.
enum SQLiteLockHolder {
    /// Byte offset of SQLite's WAL write lock in the `-shm` file.
    static let walWriteLockByte: UInt64 = 120

    /// One sentence naming the holder of `databasePath`'s write lock, or saying it cannot be named.
    static func describe(databasePath: String, locks: String? = try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) -> String {
        guard let locks, let file = FileID(path: databasePath + "-shm") else {
            return "another process holds its write lock (which one cannot be told on this system)"
        }
        let holders = writers(of: file, in: locks).filter { $0 != getpid() }
        guard let pid = holders.first else {
            return "another process holds its write lock, not on this machine (a NAS share) or gone since"
        }
        return describe(process: pid)
    }

    /// The processes holding a write lock over the WAL write-lock byte of `file`, from `/proc/locks` text.
    ///
    /// A line reads `1: POSIX  ADVISORY  WRITE 7129 fe:00:2591250 120 120`; a waiting request has
    /// `->` after the number and holds nothing.
    static func writers(of file: FileID, in locks: String) -> [pid_t] {
        var pids: [pid_t] = []
        for line in locks.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 8, fields[1] != "->", fields[3] == "WRITE", let pid = pid_t(fields[4]) else { continue }
            guard fields[5] == Substring(file.procLocksName) else { continue }
            guard let start = UInt64(fields[6]) else { continue }
            // The end is a number, or EOF for a lock to the end of the file.
            let end = UInt64(fields[7]) ?? UInt64.max
            if start <= walWriteLockByte, walWriteLockByte <= end { pids.append(pid) }
        }
        return pids
    }

    /// "process 7129 (flowrun worker) holds its write lock and is stopped …": what it is and what to do.
    static func describe(process pid: pid_t) -> String {
        let command = commandLine(pid).map { " (\($0))" } ?? ""
        let holds = "process \(pid)\(command) holds its write lock"
        switch state(pid) {
        case "T", "t":
            return
                "\(holds) and is stopped (SIGSTOP, a suspended terminal or a debugger): `kill -CONT \(pid)` lets it finish, `kill \(pid)` ends it"
        case "D":
            return "\(holds) and is waiting on the disk (a slow or unreachable NAS?)"
        default:
            return "\(holds) in a long transaction"
        }
    }

    /// The process's command line, at most 80 characters, or nil when it cannot be read.
    static func commandLine(_ pid: pid_t) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let first = words.first else { return nil }
        let text = ([(first as NSString).lastPathComponent] + words.dropFirst()).joined(separator: " ")
        return text.count > 80 ? String(text.prefix(79)) + "…" : text
    }

    /// The one-letter state of `/proc/PID/stat` (R, S, D, T, t, Z …), or nil.
    static func state(_ pid: pid_t) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // "PID (comm) S …": the command may hold spaces and parentheses; the state follows the last ')'.
        return stat[stat.index(after: close)...].first { $0 != " " }
    }

    /// A file's device and inode, as `/proc/locks` names them.
    struct FileID: Equatable {
        let device: UInt64
        let inode: UInt64

        init(device: UInt64, inode: UInt64) {
            self.device = device
            self.inode = inode
        }

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        }

        /// `MAJOR:MINOR:INODE`, the device numbers in two-digit hex (glibc's dev_t encoding).
        var procLocksName: String {
            let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
            let minor = (device & 0xff) | ((device >> 12) & ~0xff)
            return String(format: "%02llx:%02llx:%llu", major, minor, inode)
        }
    }
}
