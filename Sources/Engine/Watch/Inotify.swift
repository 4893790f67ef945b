import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Linux inotify over a folder tree: calls `onChange` (from its own thread) whenever a file is
/// created, written, closed, moved or deleted anywhere under it. It only says "look now"; the
/// rescan decides what changed, so a lost or overflowing event queue costs nothing but a delay
/// until the next safety-net rescan.
final class Inotify: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var watches: [Int32: String] = [:]
    private var stopped = false
    private let onChange: @Sendable () -> Void
    private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB)

    /// Nil when the kernel refuses (no inotify, or out of instances).
    init?(folders: [URL], onChange: @escaping @Sendable () -> Void) {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { return nil }
        self.fd = fd
        self.onChange = onChange
        for folder in folders { addTree(folder.path) }
        Thread.detachNewThread { [self] in readLoop() }
    }

    func stop() {
        lock.withLock { stopped = true }
    }

    private func addTree(_ path: String) {
        let wd = inotify_add_watch(fd, path, Self.mask | UInt32(IN_ONLYDIR))
        guard wd >= 0 else { return }
        lock.withLock { watches[wd] = path }
        guard let dir = opendir(path) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            if entry.pointee.d_type == UInt8(DT_DIR) { addTree(path + "/" + name) }
        }
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !lock.withLock({ stopped }) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 250) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { continue }
            var offset = 0
            var newFolders: [String] = []
            buffer.withUnsafeBytes { raw in
                while offset + MemoryLayout<inotify_event>.size <= n {
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    if event.mask & UInt32(IN_ISDIR) != 0, event.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, event.len > 0,
                        let parent = lock.withLock({ watches[event.wd] })
                    {
                        let nameStart = raw.baseAddress!.advanced(by: offset + MemoryLayout<inotify_event>.size)
                        let name = String(cString: nameStart.assumingMemoryBound(to: CChar.self))
                        if !name.hasPrefix(".") { newFolders.append(parent + "/" + name) }
                    }
                    offset += MemoryLayout<inotify_event>.size + Int(event.len)
                }
            }
            // A new sub-folder is watched too (files may already be inside: the rescan finds them).
            for folder in newFolders { addTree(folder) }
            onChange()
        }
        close(fd)
    }

    /// Whether `folder` is on a network file system, where inotify sees only this machine's writes:
    /// the file system type of the longest mount point above it in /proc/mounts.
    static func isNetworkFileSystem(_ folder: URL) -> Bool {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return false }
        let path = folder.resolvingSymlinksInPath().path
        var best: (point: String, type: String) = ("", "")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            // Mount points escape spaces as \040.
            let point = fields[1].replacingOccurrences(of: "\\040", with: " ")
            let inside = point == "/" || path == point || path.hasPrefix(point + "/")
            if inside && point.count > best.point.count { best = (point, String(fields[2])) }
        }
        let network = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "lustre", "fuse.sshfs", "fuse.rclone"]
        return network.contains(best.type)
    }
}
