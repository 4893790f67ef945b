import FlowSpec
import Foundation

/// What a CSV dataset holds, measured in one streaming pass when it is registered: rows, exams,
/// each column's inferred type and missing share, the time range, the label distribution and the
/// first rows. Shown on the dataset page and by `flowrun datasets show`, stored as the dataset's
/// schema JSON.
public struct DatasetProfile: Codable, Sendable, Equatable {
    public struct Column: Codable, Sendable, Equatable {
        public var name: String
        /// `integer`, `number`, `timestamp`, `text` or `empty` (no value at all).
        public var type: String
        public var missing: Int
        public var missingShare: Double
        /// Numbers: the smallest and largest value; timestamps: ISO 8601 text of the first and last.
        public var min: String?
        public var max: String?
        /// Cells that did not fit the column's type (text in a number column): their count.
        public var mismatched: Int
    }

    public struct Labels: Codable, Sendable, Equatable {
        public var column: String
        /// Exams per label value (an exam's label is that of its first row), most frequent first;
        /// at most ``DatasetProfile/maxLabels`` values, the rest summed in `other`.
        public var counts: [LabelCount]
        public var other: Int
    }

    public struct LabelCount: Codable, Sendable, Equatable {
        public var value: String
        public var exams: Int
    }

    /// Data rows: counted exactly when the whole file was read, else from its line count (a quoted
    /// cell holding a newline makes that an over-count).
    public var rows: Int
    /// Set when the file was larger than the sample: the rows every other figure comes from (the
    /// first ones). Exams, labels, the time range, types and missing shares are then of those rows.
    public var sampledRows: Int?
    /// Distinct values of the exam column; nil when the file has none.
    public var exams: Int?
    public var examColumn: String?
    public var timeColumn: String?
    public var firstTime: String?
    public var lastTime: String?
    public var labels: Labels?
    public var columns: [Column]
    /// The header and the first ``DatasetProfile/headRows`` rows, cells cut at 80 characters.
    public var head: [[String]]
    public var seconds: Double

    public static let headRows = 20
    public static let maxLabels = 50

    /// Whether `url` is a file this profiler reads (CSV or TSV by its name); other files are datasets
    /// too, only not described.
    public static func applies(to url: URL) -> Bool {
        ["csv", "tsv"].contains(url.pathExtension.lowercased())
    }

    /// The bytes read cell by cell at registration: a profile must cost a small part of what a
    /// preprocess of the file costs (a preprocess parses every cell too), so a larger file is
    /// described from its first rows, and its rows are counted by line.
    public static let sampleBytes = 4 << 20

    /// Reads `url` (its first `sampleBytes`, whole records) on every core. Throws the CSV reader's
    /// errors, which name the file and row.
    public static func measure(
        _ url: URL, displayName: String? = nil, examColumn: String = "exam_id",
        timeColumn: String = "timestamp", labelColumn: String = "label",
        sampleBytes: Int = DatasetProfile.sampleBytes, blockSize: Int = 1 << 22
    ) throws -> DatasetProfile {
        let started = Date()
        // Blocks no larger than the file: a registration of a 40-byte file must not fill megabytes.
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? blockSize
        let reader = try CSVReader(
            url: url, displayName: displayName,
            blockSize: min(blockSize, max(1 << 16, sampleBytes / 2), max(1 << 12, size + 1)))
        let header = reader.header
        let roles = Roles(
            exam: header.firstIndex(of: examColumn), time: header.firstIndex(of: timeColumn),
            label: header.firstIndex(of: labelColumn))
        var total = Tally(columns: header.count)
        var head: [[String]] = [header.map { cut($0) }]
        var bytesRead = 0, stoppedEarly = false
        struct SampleFull: Error {}
        do {
            try reader.forEachChunk(
                parse: { chunk in
                    var tally = Tally(columns: header.count)
                    tally.bytes = chunk.bytes.count
                    try chunk.forEachRecord { record, _ in tally.add(record, roles: roles) }
                    return tally
                },
                consume: { tally, _ in
                    // Each chunk keeps its own first rows: the file's first are those of the first chunks.
                    if head.count <= headRows { head += tally.head }
                    total.merge(tally)
                    bytesRead += tally.bytes
                    if bytesRead >= sampleBytes { throw SampleFull() }
                })
        } catch is SampleFull {
            stoppedEarly = true
        } catch CSVError.headerOnly {
            // A header without rows is described (0 rows), not rejected: a run decides what it needs.
        }
        let rows = total.rows
        let allRows = stoppedEarly ? max(rows, try dataLines(url)) : rows
        let sampled = allRows > rows
        let columns = header.indices.map { i in total.columns[i].column(name: header[i], rows: rows, isTime: i == roles.time) }
        var labels: Labels?
        if let label = roles.label {
            let counted = total.labelCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            labels = Labels(
                column: header[label], counts: counted.prefix(maxLabels).map { LabelCount(value: $0.key, exams: $0.value) },
                other: counted.dropFirst(maxLabels).reduce(0) { $0 + $1.value })
        }
        let times = roles.time.map { total.columns[$0] }
        return DatasetProfile(
            rows: allRows, sampledRows: sampled ? rows : nil, exams: roles.exam.map { _ in total.examCount },
            examColumn: roles.exam.map { header[$0] },
            timeColumn: roles.time.map { header[$0] },
            firstTime: times.flatMap { $0.timestamps > 0 ? iso($0.minTime) : nil },
            lastTime: times.flatMap { $0.timestamps > 0 ? iso($0.maxTime) : nil },
            labels: labels, columns: columns, head: Array(head.prefix(headRows + 1)), seconds: Date().timeIntervalSince(started))
    }

    /// Lines after the header that hold something, found with memchr into one reused buffer (no
    /// cell parsing, no allocation per block). (A plain byte loop measured half as fast.)
    static func dataLines(_ url: URL) throws -> Int {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: url.path]) }
        defer { close(fd) }
        let newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var lines = 0, blank = 0
        // The two bytes before the current block's first byte, for a blank line across blocks.
        var last = newline, lastButOne = UInt8(ascii: "x")
        let capacity = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer, capacity)
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
            if count == 0 { break }
            var offset = 0
            while offset < count, let hit = memchr(buffer + offset, Int32(newline), count - offset) {
                let at = buffer.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                lines += 1
                let before = at > 0 ? buffer[at - 1] : last
                let beforeThat = at > 1 ? buffer[at - 2] : (at == 1 ? last : lastButOne)
                if before == newline || (before == cr && beforeThat == newline) { blank += 1 }
                offset = at + 1
            }
            lastButOne = count > 1 ? buffer[count - 2] : last
            last = buffer[count - 1]
        }
        if last != newline { lines += 1 }  // a last line without its newline
        return max(0, lines - blank - 1)
    }

    struct Roles {
        let exam: Int?
        let time: Int?
        let label: Int?
    }

    /// Counts for one chunk, merged in file order.
    struct Tally {
        var rows = 0
        var bytes = 0
        var columns: [ColumnTally]
        var head: [[String]] = []
        /// Distinct exam ids (a set: an exam cut between two chunks counts once).
        var examIDs: Set<String> = []
        var labelOfExam: [String: String] = [:]
        private var previousExam: [UInt8]?

        init(columns: Int) {
            self.columns = Array(repeating: ColumnTally(), count: columns)
        }

        var examCount: Int { examIDs.count }

        var labelCounts: [String: Int] {
            var counts: [String: Int] = [:]
            for label in labelOfExam.values { counts[label, default: 0] += 1 }
            return counts
        }

        mutating func add(_ record: borrowing CSVRecord, roles: Roles) {
            rows += 1
            if head.count < DatasetProfile.headRows {
                head.append((0..<record.count).map { cut(record.string($0) ?? "�") })
            }
            for i in 0..<record.count {
                record.withBytes(i) { columns[i].add($0) }
            }
            if let exam = roles.exam {
                // Exams arrive as runs of rows: no allocation unless the id changes.
                let same = record.withBytes(exam) { cell in previousExam.map { cell.elementsEqual($0) } ?? false }
                if !same {
                    let bytes = record.withBytes(exam) { Array($0) }
                    previousExam = bytes
                    let id = String(decoding: bytes, as: UTF8.self)
                    if examIDs.insert(id).inserted, let label = roles.label {
                        labelOfExam[id] = record.string(label) ?? ""
                    }
                }
            }
        }

        mutating func merge(_ other: Tally) {
            rows += other.rows
            for i in columns.indices { columns[i].merge(other.columns[i]) }
            examIDs.formUnion(other.examIDs)
            // An exam's label is from its first row: the earlier chunk's wins.
            labelOfExam.merge(other.labelOfExam) { first, _ in first }
        }
    }

    struct ColumnTally {
        var missing = 0, integers = 0, numbers = 0, timestamps = 0, texts = 0
        var min = Double.infinity, max = -Double.infinity
        var minTime = Double.infinity, maxTime = -Double.infinity

        mutating func add(_ cell: UnsafeBufferPointer<UInt8>) {
            switch NumberParser.parse(cell) {
            case .missing:
                missing += 1
            case .value(let v):
                numbers += 1
                if v == v.rounded(), abs(v) < 1e15 { integers += 1 }
                if v < min { min = v }
                if v > max { max = v }
            case .bad:
                if let t = TimestampParser.seconds(cell) {
                    timestamps += 1
                    if t < minTime { minTime = t }
                    if t > maxTime { maxTime = t }
                } else {
                    texts += 1
                }
            }
        }

        mutating func merge(_ o: ColumnTally) {
            missing += o.missing; integers += o.integers; numbers += o.numbers; timestamps += o.timestamps; texts += o.texts
            min = Swift.min(min, o.min); max = Swift.max(max, o.max)
            minTime = Swift.min(minTime, o.minTime); maxTime = Swift.max(maxTime, o.maxTime)
        }

        /// The type most cells have; the others counted as mismatched. A time column of epoch
        /// numbers is a timestamp column.
        func column(name: String, rows: Int, isTime: Bool) -> Column {
            let present = rows - missing
            let share = rows == 0 ? 0 : Double(missing) / Double(rows)
            var column = Column(name: name, type: "empty", missing: missing, missingShare: share, min: nil, max: nil, mismatched: 0)
            guard present > 0 else { return column }
            if timestamps >= numbers && timestamps >= texts {
                column.type = "timestamp"
                column.mismatched = present - timestamps
                column.min = iso(minTime)
                column.max = iso(maxTime)
            } else if numbers >= texts {
                column.type = isTime ? "timestamp" : (integers == numbers ? "integer" : "number")
                column.mismatched = present - numbers
                column.min = isTime ? iso(epoch(min)) : NumberText.format(min)
                column.max = isTime ? iso(epoch(max)) : NumberText.format(max)
            } else {
                column.type = "text"
                column.mismatched = 0
            }
            return column
        }
    }

    /// An epoch number as seconds, as ``TimestampParser`` reads it (milliseconds above 10^11).
    static func epoch(_ n: Double) -> Double { abs(n) > 1e11 ? n / 1000 : n }

    static func iso(_ seconds: Double) -> String? {
        guard seconds.isFinite else { return nil }
        return Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }
}

/// A cell for the preview: at most 80 characters.
private func cut(_ text: String) -> String {
    text.count > 80 ? String(text.prefix(79)) + "…" : text
}
