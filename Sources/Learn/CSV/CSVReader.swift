import Foundation

/// Reads CSV as test benches and spreadsheets write it, in bounded memory: the file is read in
/// blocks and handed out one record at a time as byte ranges, so no `String` is made per cell.
///
/// Handles `,` `;` and tab (sniffed from the header unless given), quoted cells with embedded
/// delimiters, quotes and newlines, a UTF-8 BOM, and CRLF line ends.
public final class CSVReader {
    public let file: String
    public private(set) var delimiter: UInt8 = UInt8(ascii: ",")
    public private(set) var header: [String] = []
    private let handle: FileHandle
    private let blockSize: Int
    private var block: [UInt8] = []
    private var position = 0
    private var atEOF = false

    /// Opens `url` and reads its header.
    public init(url: URL, delimiter: UInt8? = nil, displayName: String? = nil, blockSize: Int = 1 << 22) throws {
        file = displayName ?? url.path
        handle = try FileHandle(forReadingFrom: url)
        self.blockSize = blockSize
        try refill()
        if block.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        if block.count - position == 0 { throw CSVError.empty(file: file) }
        let firstLine = block[position...].prefix { $0 != UInt8(ascii: "\n") }
        self.delimiter = delimiter ?? Self.sniff(firstLine)
        var record = CSVRecord()
        guard try next(into: &record, row: 1) else { throw CSVError.empty(file: file) }
        for i in 0..<record.count {
            guard let name = record.string(i) else { throw CSVError.invalidUTF8(file: file, row: 1, column: "#\(i + 1)") }
            header.append(name.trimmingCharacters(in: .whitespaces))
        }
    }

    deinit { try? handle.close() }

    /// The delimiter that splits the header line into the most cells.
    static func sniff(_ line: some Collection<UInt8>) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
        var inQuotes = false
        var counts = [0, 0, 0]
        for byte in line {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
            if !inQuotes, let i = candidates.firstIndex(of: byte) { counts[i] += 1 }
        }
        let best = counts.indices.max { counts[$0] < counts[$1] }!
        return counts[best] > 0 ? candidates[best] : UInt8(ascii: ",")
    }

    private func refill() throws {
        guard !atEOF else { return }
        let data = try handle.read(upToCount: blockSize) ?? Data()
        if data.isEmpty { atEOF = true; return }
        block.removeFirst(position)
        position = 0
        block.append(contentsOf: data)
    }

    /// Calls `body` with each data record and its row number (the header is row 1).
    /// Every record has as many cells as the header, or the read fails with ``CSVError/ragged``.
    public func forEachRecord(_ body: (borrowing CSVRecord, Int) throws -> Void) throws {
        var record = CSVRecord()
        var row = 1
        var sawData = false
        while true {
            row += 1
            guard try next(into: &record, row: row) else { break }
            if record.count == 1 && record.isEmpty(0) { continue }  // blank line
            guard record.count == header.count else {
                throw CSVError.ragged(file: file, row: row, expected: header.count, found: record.count)
            }
            sawData = true
            try body(record, row)
        }
        if !sawData { throw CSVError.headerOnly(file: file) }
    }

    /// Parses the next record into `record`; false at the end of the file.
    private func next(into record: inout CSVRecord, row: Int) throws -> Bool {
        record.reset()
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var inQuotes = false
        var fieldStarted = false
        var any = false
        while true {
            if position >= block.count {
                try refill()
                if position >= block.count {
                    if inQuotes { throw CSVError.unterminatedQuote(file: file, row: row) }
                    if any { record.endField() }
                    return any
                }
            }
            let byte = block[position]
            position += 1
            any = true
            if byte == 0 { throw CSVError.binary(file: file, row: row) }
            if inQuotes {
                if byte == quote {
                    if position >= block.count { try refill() }
                    if position < block.count && block[position] == quote {
                        record.append(quote)
                        position += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    record.append(byte)
                }
                continue
            }
            switch byte {
            case delimiter:
                record.endField()
                fieldStarted = false
            case lf:
                record.endField()
                return true
            case cr:
                continue
            case quote where !fieldStarted:
                inQuotes = true
                fieldStarted = true
            default:
                record.append(byte)
                fieldStarted = true
            }
        }
    }
}

/// One CSV record: cells as byte ranges of a reused buffer.
public struct CSVRecord: ~Copyable {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var start = 0

    init() {
        bytes.reserveCapacity(1024)
        ends.reserveCapacity(64)
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        start = 0
    }

    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    mutating func endField() {
        ends.append(bytes.count)
    }

    public var count: Int { ends.count }

    private func range(_ i: Int) -> Range<Int> {
        (i == 0 ? 0 : ends[i - 1])..<ends[i]
    }

    public func isEmpty(_ i: Int) -> Bool { range(i).isEmpty }

    /// The cell as text; nil when it is not valid UTF-8.
    public func string(_ i: Int) -> String? {
        bytes.withUnsafeBufferPointer { String(validating: UnsafeBufferPointer(rebasing: $0[range(i)]), as: UTF8.self) }
    }

    /// The cell as a number: `.missing` for the spellings of "no value", `.bad` for text that is not a number.
    public func number(_ i: Int) -> NumberCell {
        bytes.withUnsafeBufferPointer { NumberParser.parse(UnsafeBufferPointer(rebasing: $0[range(i)])) }
    }
}

/// What a numeric cell held.
public enum NumberCell: Equatable {
    case value(Double)
    case missing
    case bad
}
