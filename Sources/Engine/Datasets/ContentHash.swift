import Crypto
import Foundation

/// SHA-256 of a file, read in 1 MiB blocks so a large upload costs no memory.
enum ContentHash {
    static func sha256(of url: URL) throws -> (hash: String, size: Int64) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            hasher.update(data: block)
            size += Int64(block.count)
        }
        let digest = hasher.finalize()
        return (digest.map { String(format: "%02x", $0) }.joined(), size)
    }
}
