import Foundation

/// Reads CSV as test benches and spreadsheets write it, in bounded memory: the file is cut into
/// chunks of whole records (``CSVChunker``), and each record is handed out as byte ranges of its
/// chunk (``CSVRecord``), so no `String` is made per cell.
///
/// Handles `,` `;` and tab (sniffed from the header unless given), quoted cells with embedded
/// delimiters, quotes and newlines, a UTF-8 BOM, and CRLF line ends. Rows are numbered as records,
/// the header being row 1.
public final class CSVReader {
    public let file: String
    public let delimiter: UInt8
    public let header: [String]
    private let handle: FileHandle
    private var chunker: CSVChunker

    /// Opens `url` and reads its header.
    public init(url: URL, delimiter: UInt8? = nil, displayName: String? = nil, blockSize: Int = 1 << 22) throws {
        let file = displayName ?? url.path
        self.file = file
        handle = try FileHandle(forReadingFrom: url)
        // Enough of the file to hold the first line, from which the delimiter is sniffed.
        var first: [UInt8] = []
        while !first.contains(UInt8(ascii: "\n")), let more = try handle.read(upToCount: blockSize), !more.isEmpty {
            first += more
        }
        if first.starts(with: [0xEF, 0xBB, 0xBF]) { first.removeFirst(3) }
        if first.isEmpty { throw CSVError.empty(file: file) }
        // Binary data is named as such before its bytes can look like an unclosed quote.
        if first.prefix(while: { $0 != UInt8(ascii: "\n") }).contains(0) { throw CSVError.binary(file: file, row: 1) }
        let delimiter = delimiter ?? Self.sniff(first.prefix { $0 != UInt8(ascii: "\n") })
        self.delimiter = delimiter
        chunker = CSVChunker(descriptor: handle.fileDescriptor, delimiter: delimiter, blockSize: blockSize, pending: first)
        // The header is the first record of the first chunk; the rest of that chunk is data.
        guard let chunk = try chunker.next() else { throw CSVError.empty(file: file) }
        var header: [String] = []
        let rest = try chunk.withUnsafeBufferPointer { p -> [UInt8] in
            var parser = CSVRecordParser(bytes: p, delimiter: delimiter)
            var record = CSVRecord()
            record.base = p
            do { _ = try parser.next(into: &record) } catch { throw CSVError.unterminatedQuote(file: file, row: 1) }
            if memchr(p.baseAddress!, 0, parser.position) != nil { throw CSVError.binary(file: file, row: 1) }
            for i in 0..<record.count {
                guard let name = record.string(i) else { throw CSVError.invalidUTF8(file: file, row: 1, column: "#\(i + 1)") }
                header.append(name.trimmingCharacters(in: .whitespaces))
            }
            return Array(p[parser.position...])
        }
        self.header = header
        chunker.pushBack(rest)
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

    /// Calls `body` with each data record and its row number, in file order, on this thread.
    /// Every record has as many cells as the header, or the read fails with ``CSVError/ragged``.
    public func forEachRecord(_ body: (borrowing CSVRecord, Int) throws -> Void) throws {
        var rowsBefore = 1, dataRecords = 0
        while let bytes = try chunker.next() {
            let chunk = CSVChunk(bytes: bytes, delimiter: delimiter, fieldCount: header.count, file: file)
            // The chunk's own errors count rows from the chunk; `body`'s already name file rows.
            struct FromBody: Error { let error: any Error }
            do {
                try chunk.forEachRecord { record, row in
                    do { try body(record, rowsBefore + row) } catch { throw FromBody(error: error) }
                }
            } catch let error as FromBody {
                throw error.error
            } catch let error as CSVError {
                throw error.shiftingRows(by: rowsBefore)
            }
            rowsBefore += chunk.records
            dataRecords += chunk.dataRecords
        }
        if dataRecords == 0 { throw CSVError.headerOnly(file: file) }
    }

    /// Parses the file on `parallelism` threads: `parse` runs on chunks of whole records
    /// concurrently (rows in its errors counted from the chunk's start, as ``CSVChunk`` does), then
    /// `consume` gets the results in file order with the number of rows before the chunk. The
    /// first error in file order is thrown, with rows counted from the start of the file.
    /// Memory: about `parallelism` chunks of the file at a time.
    public func forEachChunk<T>(
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        parse: @Sendable (CSVChunk) throws -> T,
        consume: (T, _ rowsBefore: Int) throws -> Void
    ) throws {
        var rowsBefore = 1, dataRecords = 0
        while true {
            var batch: [CSVChunk] = []
            while batch.count < max(1, parallelism), let bytes = try chunker.next() {
                batch.append(CSVChunk(bytes: bytes, delimiter: delimiter, fieldCount: header.count, file: file))
            }
            if batch.isEmpty { break }
            let results = parallelMap(batch) { chunk in Result { try parse(chunk) } }
            for (k, chunk) in batch.enumerated() {
                switch results[k] {
                case .success(let value): try consume(value, rowsBefore)
                case .failure(let error as CSVError): throw error.shiftingRows(by: rowsBefore)
                case .failure(let error): throw error
                }
                rowsBefore += chunk.records
                dataRecords += chunk.dataRecords
            }
        }
        if dataRecords == 0 { throw CSVError.headerOnly(file: file) }
    }
}
