import Foundation

/// The last lines a step wrote, kept in memory while it runs, so that a failed attempt can store
/// them as its error excerpt (``ErrorExcerpt``) without reading its log file back.
public final class RecentLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    public let capacity: Int

    public init(capacity: Int = ErrorExcerpt.maxLines) {
        self.capacity = capacity
    }

    /// Adds a message; one with line breaks counts as its lines.
    public func append(_ message: String) {
        let parts = message.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        lock.withLock {
            for part in parts.suffix(capacity) { lines.append(String(part)) }
            if lines.count > capacity { lines.removeFirst(lines.count - capacity) }
        }
    }

    public var all: [String] { lock.withLock { lines } }
}

/// A failed attempt's error excerpt: the last non-blank lines its step wrote, at most
/// ``maxLines`` lines and ``maxBytes`` bytes of UTF-8, cut at a character boundary (from the
/// start: the last lines explain a failure), lines of control characters cleaned.
public enum ErrorExcerpt {
    public static let maxLines = 20
    public static let maxBytes = 2048

    /// Nil when the step wrote nothing worth showing.
    public static func make(_ lines: [String]) -> String? {
        var kept: [String] = []
        var bytes = 0
        for line in lines.reversed() {
            let clean = String(
                String.UnicodeScalarView(
                    line.unicodeScalars.map { scalar in
                        // Terminal escapes and other controls would garble a table or a page; a tab stays.
                        scalar == "\t" || !(scalar.properties.generalCategory == .control) ? scalar : "\u{FFFD}"
                    })
            ).trimmingCharacters(in: .whitespaces)
            if clean.isEmpty { continue }
            let size = clean.utf8.count + (kept.isEmpty ? 0 : 1)
            if kept.count == maxLines { break }
            if bytes + size > maxBytes {
                // The first line that does not fit is kept in part: its end, which is nearer the failure.
                let room = maxBytes - bytes - (kept.isEmpty ? 0 : 1) - 3
                if room > 16 { kept.append("…" + tail(of: clean, bytes: room)) }
                break
            }
            kept.append(clean)
            bytes += size
        }
        return kept.isEmpty ? nil : kept.reversed().joined(separator: "\n")
    }

    /// The end of `text` in at most `bytes` bytes of UTF-8, whole characters only.
    static func tail(of text: String, bytes: Int) -> String {
        var used = 0
        var start = text.endIndex
        while start > text.startIndex {
            let previous = text.index(before: start)
            let size = text[previous].utf8.count
            if used + size > bytes { break }
            used += size
            start = previous
        }
        return String(text[start...])
    }

    /// The line a one-line place (the runs table, a CLI line) shows: the excerpt's last line.
    public static func lastLine(_ excerpt: String) -> String {
        String(excerpt.split(separator: "\n").last ?? "")
    }
}
