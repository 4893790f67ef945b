import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The token `flowrun serve` uses when none is configured, as a notebook server does: 32 random
/// bytes as hex in `<data root>/api-token`, created once with mode 0600 and reused by later starts
/// (so a restart does not log everyone out).
public enum APITokenFile {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public static func url(dataRoot: URL) -> URL {
        dataRoot.appendingPathComponent("api-token")
    }

    /// The stored token, or a new one written there first.
    public static func loadOrCreate(dataRoot: URL) throws -> String {
        let path = url(dataRoot: dataRoot).path
        try? FileManager.default.createDirectory(at: dataRoot, withIntermediateDirectories: true)
        let fresh = RandomHex.make(bytes: 32)
        // O_EXCL: two servers starting at once agree on the first file written.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            let bytes = Array((fresh + "\n").utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let synced = fsync(fd) == 0
            close(fd)
            guard written == bytes.count, synced else {
                unlink(path)
                throw Problem(description: "cannot write the API token to \(path): \(String(cString: strerror(errno)))")
            }
            return fresh
        }
        guard errno == EEXIST else {
            throw Problem(description: "cannot create \(path) for the API token: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw Problem(description: "\(path) is not a regular file; remove it, or set FLOWRUN_API_TOKEN")
        }
        // Readable by others means anyone on the machine could take the token: close it.
        if info.st_mode & 0o077 != 0 { chmod(path, 0o600) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Problem(description: "cannot read the API token in \(path); remove it to make a new one, or set FLOWRUN_API_TOKEN")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16, !token.contains(where: { $0.isWhitespace }) else {
            throw Problem(description: "\(path) does not hold a token (16 or more characters, no spaces); remove it to make a new one")
        }
        return token
    }
}
