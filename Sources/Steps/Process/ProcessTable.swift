import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the kernel says about processes on this machine (Linux `/proc`).
public enum ProcessTable {
    /// When process `pid` started, in clock ticks after boot (`/proc/PID/stat`, field 22); nil when
    /// there is no such process. With the boot id, a pid and this number name one process for good.
    public static func startTicks(of pid: Int32) -> UInt64? {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: count after it.
        // Fields from 3 on: state is the first, starttime (22) the 20th.
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    /// True when some process is in process group `group` (signal 0 reaches it, or exists but
    /// belongs to another user).
    public static func groupExists(_ group: Int32) -> Bool {
        guard group > 0 else { return false }
        return kill(-group, 0) == 0 || errno == EPERM
    }

    /// The process groups of this machine's processes whose environment holds every one of
    /// `markers` (as `NAME=value`), leaving out this process's own group. Read from
    /// `/proc/PID/environ`, so only processes of this user (or all, as root) are seen.
    public static func processGroups(withEnvironment markers: [String: String]) -> Set<Int32> {
        guard !markers.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let wanted = Set(markers.map { Array("\($0.key)=\($0.value)".utf8) })
        let own = getpgrp()
        var groups: Set<Int32> = []
        for name in entries {
            guard let pid = Int32(name), pid > 1, let data = FileManager.default.contents(atPath: "/proc/\(name)/environ") else {
                continue
            }
            let found = Set(data.split(separator: 0).map(Array.init)).intersection(wanted)
            guard found.count == wanted.count else { continue }
            let group = getpgid(pid)
            if group > 1, group != own { groups.insert(group) }
        }
        return groups
    }

    /// True when process `pid` exists (or exists and belongs to another user).
    public static func processExists(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
