import Foundation

/// Reads the last lines of a log file from its end, without reading the whole file.
enum LogTail {
    /// The last `count` lines (without newlines), and whether the file has more.
    static func read(_ url: URL, lines count: Int) throws -> (lines: [String], truncated: Bool) {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return ([], false) }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        var offset = size
        var chunk = Data()
        let block: UInt64 = 64 * 1024
        // Read backwards until the chunk holds count + 1 line breaks (or the file's start).
        while offset > 0 {
            let step = min(block, offset)
            offset -= step
            try handle.seek(toOffset: offset)
            let data = handle.readData(ofLength: Int(step))
            chunk = data + chunk
            if chunk.count(where: { $0 == 0x0A }) > count { break }
        }
        var text = String(decoding: chunk, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        guard !text.isEmpty else { return ([], false) }
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        let truncated = all.count > count || offset > 0
        return (all.suffix(count).map(String.init), truncated)
    }
}
