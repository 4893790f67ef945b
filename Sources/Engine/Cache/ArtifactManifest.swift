import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The files a step left in its artifact folder, with their hashes: written once when the step
/// succeeds, so dependents' cache keys read hashes instead of re-reading files, and a reuse can
/// tell that the files are all still there.
struct ArtifactManifest: Codable, Equatable, Sendable {
    struct Fact: Codable, Equatable, Sendable {
        var sha256: String
        var size: Int64
    }

    /// Path relative to the folder → its facts.
    var files: [String: Fact]

    var bytes: Int64 { files.values.reduce(0) { $0 + $1.size } }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(files), as: UTF8.self)) ?? "{}"
    }

    init(files: [String: Fact]) { self.files = files }

    init?(json: String) {
        guard let files = try? JSONDecoder().decode([String: Fact].self, from: Data(json.utf8)) else { return nil }
        self.files = files
    }

    /// Hashes every regular file under `folder` (none when it does not exist).
    static func make(of folder: URL) throws -> ArtifactManifest {
        var files: [String: Fact] = [:]
        for relative in try regularFiles(under: folder) {
            let (hash, size) = try ContentHash.sha256(of: folder.appendingPathComponent(relative))
            files[relative] = Fact(sha256: hash, size: size)
        }
        return ArtifactManifest(files: files)
    }

    /// Relative paths of the regular files under `folder`, symlinks not followed.
    static func regularFiles(under folder: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var out: [String] = []
        while let relative = walker.nextObject() as? String {
            var st = stat()
            if lstat(folder.appendingPathComponent(relative).path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
                out.append(relative)
            }
        }
        return out.sorted()
    }

    /// Makes `target` hold the manifest's files of `source`, each hard-linked (copied across
    /// filesystems). Everything is placed in a fresh sibling folder first and renamed into place at
    /// the end, so `target` never holds a mix; false, leaving `target` untouched, when a file is
    /// missing or its size changed (the entry is then a miss, not an error).
    func link(from source: URL, to target: URL) -> Bool {
        let fm = FileManager.default
        // A step that wrote no file left nothing to share (its folder is made on first use).
        guard !files.isEmpty else { return true }
        for (relative, fact) in files {
            var st = stat()
            guard stat(source.appendingPathComponent(relative).path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
                Int64(st.st_size) == fact.size
            else { return false }
        }
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).cache-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            for relative in files.keys.sorted() {
                let from = source.appendingPathComponent(relative), to = staging.appendingPathComponent(relative)
                try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
                if Glibc.link(from.path, to.path) != 0 {
                    guard errno == EXDEV || errno == EPERM || errno == EMLINK else {
                        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                    }
                    try fm.copyItem(at: from, to: to)
                }
            }
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            guard rename(staging.path, target.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            return true
        } catch {
            try? fm.removeItem(at: staging)
            return false
        }
    }

    /// Unlinks the files under `folder` that share their data with another path (a cache's hard
    /// links left by an earlier attempt), so that a step writing there can never change a cache
    /// entry's files in place.
    static func detachSharedFiles(in folder: URL) {
        guard let relatives = try? regularFiles(under: folder) else { return }
        for relative in relatives {
            var st = stat()
            let path = folder.appendingPathComponent(relative).path
            if lstat(path, &st) == 0, st.st_nlink > 1 { unlink(path) }
        }
    }
}
