import Foundation

/// One CSV record: its cells as byte ranges of the chunk being parsed, so no `String` and no copy
/// is made per cell. Valid only inside the callback that receives it.
public struct CSVRecord: ~Copyable {
    var base = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    fileprivate var starts: [Int] = []
    fileprivate var ends: [Int] = []
    /// Cells that began with a quote: their range is the raw text, quotes included.
    fileprivate var quoted: [Bool] = []

    init() {
        starts.reserveCapacity(64)
        ends.reserveCapacity(64)
        quoted.reserveCapacity(64)
    }

    fileprivate mutating func reset() {
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        quoted.removeAll(keepingCapacity: true)
    }

    fileprivate mutating func add(_ start: Int, _ end: Int, quoted isQuoted: Bool) {
        starts.append(start)
        ends.append(end)
        quoted.append(isQuoted)
    }

    public var count: Int { starts.count }

    public func isEmpty(_ i: Int) -> Bool { starts[i] == ends[i] }

    /// The cell's bytes, quotes removed and doubled quotes undone.
    public func withBytes<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let raw = UnsafeBufferPointer(rebasing: base[starts[i]..<ends[i]])
        guard quoted[i] else { return try body(raw) }
        let text = Self.unquoted(raw)
        return try text.withUnsafeBufferPointer(body)
    }

    /// Whether the cell's bytes equal `bytes` (raw: a quoted cell compares with its quotes).
    func rawEquals(_ i: Int, _ bytes: [UInt8]) -> Bool {
        let n = ends[i] - starts[i]
        guard n == bytes.count else { return false }
        if n == 0 { return true }
        return bytes.withUnsafeBufferPointer { memcmp(base.baseAddress! + starts[i], $0.baseAddress!, n) == 0 }
    }

    /// The cell's raw bytes (see ``rawEquals(_:_:)``).
    func rawBytes(_ i: Int) -> [UInt8] { Array(base[starts[i]..<ends[i]]) }

    /// The cell as text; nil when it is not valid UTF-8.
    public func string(_ i: Int) -> String? {
        withBytes(i) { String(validating: $0, as: UTF8.self) }
    }

    /// The cell as a number: `.missing` for the spellings of "no value", `.bad` for text that is not a number.
    public func number(_ i: Int) -> NumberCell {
        withBytes(i) { NumberParser.parse($0) }
    }

    /// A quoted cell's text: `"a ""b"""` → `a "b"`; bytes after the closing quote are kept, CRs outside quotes dropped.
    static func unquoted(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let quote = UInt8(ascii: "\"")
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var inQuotes = true
        var i = 1
        while i < raw.count {
            let b = raw[i]
            if inQuotes {
                if b == quote {
                    if i + 1 < raw.count && raw[i + 1] == quote {
                        out.append(quote)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    out.append(b)
                }
            } else if b != UInt8(ascii: "\r") {
                out.append(b)
            }
            i += 1
        }
        return out
    }
}

/// What a numeric cell held.
public enum NumberCell: Equatable {
    case value(Double)
    case missing
    case bad
}

/// A run of whole records cut from the file by ``CSVChunker``. Parsed on any thread, by one at a time.
public final class CSVChunk: @unchecked Sendable {
    let bytes: [UInt8]
    let delimiter: UInt8
    let fieldCount: Int
    let file: String
    /// After ``forEachRecord(_:)``: records seen, blank lines included (they still count as rows).
    public private(set) var records = 0
    /// After ``forEachRecord(_:)``: records that were not blank.
    public private(set) var dataRecords = 0

    init(bytes: [UInt8], delimiter: UInt8, fieldCount: Int, file: String) {
        self.bytes = bytes
        self.delimiter = delimiter
        self.fieldCount = fieldCount
        self.file = file
    }

    /// Calls `body` with each non-blank record and its row counted from the chunk's start (its first
    /// record is row 1). Errors name rows the same way; ``CSVReader`` shifts them to file rows.
    public func forEachRecord(_ body: (borrowing CSVRecord, Int) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { p in
            var record = CSVRecord()
            record.base = p
            // A NUL anywhere means binary data: found once per chunk, reported for its record.
            let nul =
                p.isEmpty
                ? nil : memchr(p.baseAddress!, 0, p.count).map { p.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
            var parser = CSVRecordParser(bytes: p, delimiter: delimiter)
            var row = 0
            while true {
                row += 1
                let more: Bool
                do { more = try parser.next(into: &record) } catch { throw CSVError.unterminatedQuote(file: file, row: row) }
                guard more else { break }
                records = row
                if let nul, nul < parser.position { throw CSVError.binary(file: file, row: row) }
                if record.count == 1 && record.isEmpty(0) { continue }  // blank line
                guard record.count == fieldCount else {
                    throw CSVError.ragged(file: file, row: row, expected: fieldCount, found: record.count)
                }
                dataRecords += 1
                try body(record, row)
            }
        }
    }
}

/// Splits whole records out of a buffer: the state machine of RFC 4180 as spreadsheets write it
/// (a quote opens a quoted cell only at the start of a cell; `""` inside is a quote; CR before LF
/// is dropped).
struct CSVRecordParser {
    struct UnterminatedQuote: Error {}

    let bytes: UnsafeBufferPointer<UInt8>
    let delimiter: UInt8
    private(set) var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
    }

    /// Parses the next record into `record`; false at the end of the buffer.
    mutating func next(into record: inout CSVRecord) throws -> Bool {
        let n = bytes.count
        guard position < n, let base = bytes.baseAddress else { return false }
        record.reset()
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var i = position
        while true {
            let start = i
            if i < n && base[i] == quote {
                i += 1
                while true {
                    guard let q = memchr(base + i, Int32(quote), n - i) else { throw UnterminatedQuote() }
                    i = base.distance(to: q.assumingMemoryBound(to: UInt8.self)) + 1
                    if i < n && base[i] == quote { i += 1; continue }
                    break
                }
                while i < n && base[i] != delimiter && base[i] != lf { i += 1 }
                record.add(start, i, quoted: true)
            } else {
                while i < n {
                    let b = base[i]
                    if b == delimiter || b == lf { break }
                    i += 1
                }
                record.add(start, i > start && base[i - 1] == cr ? i - 1 : i, quoted: false)
            }
            if i == n { break }
            if base[i] == lf { i += 1; break }
            i += 1  // the delimiter; a cell follows, even at the end of the buffer
        }
        position = i
        return true
    }
}
