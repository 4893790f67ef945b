import Foundation

/// Where the exam columns are in the file's header.
struct ExamColumns: Sendable {
    var file: String
    /// nil: one long series without a group column.
    var group: Int?
    var groupName: String
    var time: Int
    var timeName: String
    var label: Int
    var labelName: String
    var channels: [Int]
    /// A column saying `train` or `test` for each exam (``ExamSplit/column(name:)``).
    var split: Int? = nil
    var splitName = ""
    /// Summarise each channel's values (``ChannelMoments``): for `transform` only, as it costs a
    /// few operations per value.
    var summarise = false
}

/// One chunk's rows, parsed (on any thread): consecutive rows of one exam form a run.
struct ExamRows: Sendable {
    struct Run: Sendable {
        var id: String
        /// The first non-empty label of the run's rows.
        var label: String
        /// The run's first row in ``ExamRows/times``; it ends where the next run starts.
        var start: Int
        /// The run's first record, counted from the chunk's start (see ``CSVChunk/forEachRecord(_:)``).
        var firstRow: Int
        /// The first value of the split column in the run's rows, and its row (chunk-counted).
        var side: ExamSide? = nil
        var sideRow = 0
    }

    var runs: [Run] = []
    var times: [Double] = []
    /// One column per channel, NaN for missing and bad cells.
    var channels: [[Double]]
    var missing: [Int]
    var bad: [Int]
    var rowsRead = 0
    /// Per channel, when ``ExamColumns/summarise``; rows counted from the chunk's start.
    var moments: [ChannelMoments] = []

    func end(of run: Int) -> Int { run + 1 < runs.count ? runs[run + 1].start : times.count }

    /// Parses `chunk`; with `only`, keeps just the rows of those exams. Rows in errors are the chunk's.
    static func parse(_ chunk: CSVChunk, columns c: ExamColumns, only: Set<String>? = nil) throws -> ExamRows {
        let k = c.channels.count
        var rows = ExamRows(
            channels: Array(repeating: [], count: k), missing: Array(repeating: 0, count: k),
            bad: Array(repeating: 0, count: k))
        let summarise = c.summarise && only == nil
        if summarise { rows.moments = Array(repeating: ChannelMoments(), count: k) }
        let estimate = chunk.bytes.count / 48
        rows.times.reserveCapacity(estimate)
        for j in 0..<k { rows.channels[j].reserveCapacity(estimate) }
        var currentID: [UInt8] = []
        var inRun = false, keep = true
        try chunk.forEachRecord { record, row in
            rows.rowsRead += 1
            // The group cell is compared as bytes; a String is made only when the exam changes.
            if let g = c.group {
                if !inRun || !record.rawEquals(g, currentID) {
                    currentID = record.rawBytes(g)
                    guard let id = record.string(g) else { throw CSVError.invalidUTF8(file: c.file, row: row, column: c.groupName) }
                    keep = only?.contains(id) ?? true
                    if keep { rows.runs.append(Run(id: id, label: "", start: rows.times.count, firstRow: row)) }
                    inRun = true
                }
            } else if !inRun {
                rows.runs.append(Run(id: "series", label: "", start: 0, firstRow: row))
                inRun = true
            }
            guard keep else { return }
            if rows.runs[rows.runs.count - 1].label.isEmpty {
                guard let label = record.string(c.label) else { throw CSVError.invalidUTF8(file: c.file, row: row, column: c.labelName) }
                rows.runs[rows.runs.count - 1].label = label.trimmingCharacters(in: .whitespaces)
            }
            if let s = c.split {
                let cell = record.withBytes(s) { ExamSide.parse($0) }
                guard let cell else {
                    throw CSVError.badSplitValue(file: c.file, row: row, column: c.splitName, text: record.string(s) ?? "(invalid UTF-8)")
                }
                if let side = cell {
                    let r = rows.runs.count - 1
                    if rows.runs[r].side == nil {
                        (rows.runs[r].side, rows.runs[r].sideRow) = (side, row)
                    } else if rows.runs[r].side != side {
                        throw CSVError.conflictingSplit(
                            file: c.file, row: row, column: c.splitName, exam: rows.runs[r].id,
                            side: record.string(s) ?? side.rawValue, earlierRow: rows.runs[r].sideRow)
                    }
                }
            }
            guard let time = record.withBytes(c.time, { TimestampParser.seconds($0) }) else {
                throw CSVError.badTimestamp(file: c.file, row: row, column: c.timeName, text: record.string(c.time) ?? "(invalid UTF-8)")
            }
            rows.times.append(time)
            for j in 0..<k {
                switch record.number(c.channels[j]) {
                case .value(let v):
                    rows.channels[j].append(v)
                    if summarise { rows.moments[j].add(v, row: row) }
                case .missing: rows.missing[j] += 1; rows.channels[j].append(.nan)
                case .bad: rows.bad[j] += 1; rows.channels[j].append(.nan)
                }
            }
        }
        return rows
    }
}

extension ExamSeries {
    /// Appends run `r` of `rows`, whose chunk follows `rowsBefore` rows of the file; an exam put on
    /// both sides of the split by rows of different chunks fails with the file's rows.
    mutating func append(_ rows: ExamRows, run r: Int, rowsBefore: Int, columns: ExamColumns) throws {
        let run = rows.runs[r]
        let range = run.start..<rows.end(of: r)
        if times.isEmpty { firstRow = rowsBefore + run.firstRow }
        if let side = run.side {
            if self.side == nil {
                (self.side, sideRow) = (side, rowsBefore + run.sideRow)
            } else if self.side != side {
                throw CSVError.conflictingSplit(
                    file: columns.file, row: rowsBefore + run.sideRow, column: columns.splitName,
                    exam: id, side: side.rawValue, earlierRow: sideRow)
            }
        }
        if label.isEmpty { label = run.label }
        times.append(contentsOf: rows.times[range])
        for j in channels.indices { channels[j].append(contentsOf: rows.channels[j][range]) }
    }
}
