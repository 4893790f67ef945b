import Foundation

/// Cuts a CSV file into chunks of whole records, so chunks can be parsed on several cores while
/// only a few blocks of the file are in memory at once.
///
/// A chunk ends after the last line feed that is outside quotes. Where a block holds no quote at
/// all (the usual case for numeric exam data) that is simply its last line feed; otherwise the
/// block is scanned with the same state machine the record parser uses, so a quoted cell with a
/// line break is never cut.
struct CSVChunker {
    private let descriptor: Int32
    private let delimiter: UInt8
    private let blockSize: Int
    private var carry: [UInt8]
    private var atEOF = false

    /// - Parameter pending: bytes already read from the start of the file (after the header).
    init(descriptor: Int32, delimiter: UInt8, blockSize: Int, pending: [UInt8]) {
        self.descriptor = descriptor
        self.delimiter = delimiter
        self.blockSize = blockSize
        self.carry = pending
    }

    /// The next chunk of whole records; at the end of the file, whatever is left (possibly a record
    /// without its final line feed). Nil when nothing is left.
    mutating func next() throws -> [UInt8]? {
        var buffer = carry
        carry = []
        while true {
            if !atEOF, buffer.count < blockSize {
                if try read(into: &buffer) == 0 { atEOF = true }
                continue
            }
            if atEOF { return buffer.isEmpty ? nil : buffer }
            if let end = Self.lastRecordEnd(buffer, delimiter: delimiter) {
                carry = Array(buffer[end...])
                buffer.removeSubrange(end...)
                return buffer
            }
            // One record longer than the buffer: read on.
            if try read(into: &buffer) == 0 { atEOF = true }
        }
    }

    /// Puts `bytes` (whole records and the start of the next) back in front of what is still unread.
    mutating func pushBack(_ bytes: [UInt8]) {
        carry = bytes + carry
    }

    /// Appends up to one block from the file; the number of bytes read.
    private func read(into buffer: inout [UInt8]) throws -> Int {
        // Read into scratch memory, then one copy: growing the array by `repeatElement` first went
        // element by element, and in a debug build (the tests) that was most of a CSV read.
        let n = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: blockSize) { scratch in
            let n = Glibc.read(descriptor, scratch.baseAddress!, blockSize)
            if n > 0 { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<n])) }
            return n
        }
        guard n >= 0 else { throw LearnError.readFailed(String(cString: strerror(errno))) }
        return n
    }

    /// The index just past the last record-ending line feed of `bytes`, which start at a record.
    static func lastRecordEnd(_ bytes: [UInt8], delimiter: UInt8) -> Int? {
        bytes.withUnsafeBufferPointer { p -> Int? in
            guard let base = p.baseAddress, !p.isEmpty else { return nil }
            let lf = UInt8(ascii: "\n"), quote = UInt8(ascii: "\"")
            if memchr(base, Int32(quote), p.count) == nil {
                var i = p.count - 1
                while i >= 0 && p[i] != lf { i -= 1 }
                return i >= 0 ? i + 1 : nil
            }
            var inQuotes = false, fieldStart = true, last: Int?
            var i = 0
            while i < p.count {
                let b = p[i]
                if inQuotes {
                    if b == quote {
                        guard i + 1 < p.count else { break }  // a closing or a doubled quote: decided by the next block
                        if p[i + 1] == quote { i += 2; continue }
                        inQuotes = false
                    }
                } else if b == delimiter {
                    fieldStart = true
                } else if b == lf {
                    last = i + 1
                    fieldStart = true
                } else if b == quote && fieldStart {
                    inQuotes = true
                    fieldStart = false
                } else if b != UInt8(ascii: "\r") {
                    fieldStart = false
                }
                i += 1
            }
            return last
        }
    }
}
