import Foundation

/// What a scan saw of one file: enough to tell whether it is still changing.
public struct FileSnapshot: Sendable, Equatable {
    public var size: Int64
    /// Nanoseconds since 1970.
    public var mtime: Int64
    /// Device and inode: a file renamed into place keeps them.
    public var inode: UInt64
}

/// Lists the regular files under a folder, recursively, with `stat` only — no reads — so that
/// rescanning ten thousand resting files costs milliseconds. Temporary names are skipped; `.done`
/// markers are reported separately.
public struct FolderScan: Sendable {
    /// Relative path → snapshot.
    public var files: [String: FileSnapshot] = [:]
    /// Relative paths of the files a `<file>.done` marker exists for.
    public var doneMarkers: Set<String> = []

    public init(folder: URL) {
        walk(folder.path, relative: "", depth: 0)
    }

    private mutating func walk(_ path: String, relative: String, depth: Int) {
        guard depth < 32, let dir = opendir(path) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            var info = stat()
            // fstatat relative to the open folder: no path to build or walk per file.
            guard fstatat(dirfd(dir), name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }  // vanished meanwhile
            let rel = relative.isEmpty ? name : relative + "/" + name
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if !name.hasPrefix(".") { walk(path + "/" + name, relative: rel, depth: depth + 1) }
            case S_IFREG:
                if name.hasSuffix(".done") {
                    doneMarkers.insert(String(rel.dropLast(".done".count)))
                } else if !WatchRule.isTemporary(name) {
                    files[rel] = FileSnapshot(
                        size: Int64(info.st_size),
                        mtime: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                        inode: UInt64(info.st_dev) << 40 ^ UInt64(info.st_ino))
                }
            default:
                continue  // symlinks, sockets, devices: never datasets
            }
        }
    }
}
