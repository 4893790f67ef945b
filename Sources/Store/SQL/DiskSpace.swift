import Foundation

/// What a full disk looks like in an error: SQLite says "database or disk is full", or only "disk
/// I/O error" (a WAL database opened on a full tmpfs cannot size its `-shm` file). The folder's free
/// space, read when the error happens, tells the two apart for whoever reads the log.
enum DiskSpace {
    /// Bytes free to this process on the disk holding `folder`, or nil when it cannot be read.
    static func available(in folder: String) -> UInt64? {
        var info = statvfs()
        guard statvfs(folder.isEmpty ? "." : folder, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    /// "the disk holding data is full, 0 bytes free; free space there and flowrun goes on", or the
    /// free space when there is some; nil when it cannot be read.
    static func note(for databasePath: String) -> String? {
        let folder = (databasePath as NSString).deletingLastPathComponent
        guard let free = available(in: folder) else { return nil }
        let shown = folder.isEmpty ? "." : folder
        if free < 1 << 20 {
            return "the disk holding \(shown) is full, \(text(free)) free; free space there and flowrun goes on"
        }
        return "\(text(free)) free on the disk holding \(shown)"
    }

    static func text(_ bytes: UInt64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}
