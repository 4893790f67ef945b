import Foundation

/// Exam CSV → cleaned series → per-exam features → train/test split: the `preprocess` step's work.
public struct Preprocessor {
    public enum Fill: String, Sendable { case interpolate, ffill, drop }
    public enum Clip: String, Sendable { case none, zscore, iqr }
    public enum SplitMode: String, Sendable { case exam, time }

    public var groupColumn = "exam_id"
    public var timeColumn = "timestamp"
    public var labelColumn = "label"
    /// nil: every other column.
    public var channels: [String]?
    public var delimiter: UInt8?
    public var fill = Fill.interpolate
    public var clip = Clip.none
    public var window = 50
    public var step: Int?
    public var testFraction = 0.25
    public var split = SplitMode.exam
    public var seed: UInt64 = 42

    public init() {}

    /// What came out: the two tables and the data-quality summary.
    public struct Result {
        public var train: FeatureTable
        public var test: FeatureTable
        /// Counts for the run's metrics: rows_read, rows_dropped_duplicate, …, missing.<col>, bad_numbers.<col>.
        public var counts: [String: Double]
        public var columns: [String]
        public var channels: [String]
        public var notes: [String]
    }

    public func run(csv url: URL, displayName: String? = nil) throws -> Result {
        let reader = try CSVReader(url: url, delimiter: delimiter, displayName: displayName)
        let file = reader.file
        let header = reader.header
        func column(_ name: String, role: String) throws -> Int {
            if let i = header.firstIndex(of: name) { return i }
            throw CSVError.missingColumn(file: file, name: name, role: role, suggestion: Closest.match(name, in: header), available: header)
        }
        let grouped = !groupColumn.isEmpty
        let groupIndex = grouped ? try column(groupColumn, role: "group") : nil
        let timeIndex = try column(timeColumn, role: "time")
        let labelIndex = try column(labelColumn, role: "label")
        let channelNames = try channels ?? header.filter { ![groupColumn, timeColumn, labelColumn].contains($0) }
        let channelIndices = try channelNames.map { try column($0, role: "channel") }
        guard !channelIndices.isEmpty else { throw LearnError.badData("\(file): no channel columns besides group, time and label") }

        // Exams in first-seen order; rows of one exam usually come together, so the dictionary is
        // consulted only when the exam id changes.
        var exams: [ExamSeries] = []
        var indexByID: [String: Int] = [:]
        var current = -1
        var currentID = ""
        var rowsRead = 0
        var missing = [Int](repeating: 0, count: channelIndices.count)
        var bad = [Int](repeating: 0, count: channelIndices.count)
        var notes: [String] = []
        try reader.forEachRecord { record, row in
            rowsRead += 1
            let id: String
            if let g = groupIndex {
                guard let text = record.string(g) else { throw CSVError.invalidUTF8(file: file, row: row, column: groupColumn) }
                id = text
            } else {
                id = "series"
            }
            guard let timeText = record.string(timeIndex) else { throw CSVError.invalidUTF8(file: file, row: row, column: timeColumn) }
            guard let time = TimestampParser.seconds(timeText) else {
                throw CSVError.badTimestamp(file: file, row: row, column: timeColumn, text: timeText)
            }
            if current < 0 || id != currentID {
                if let known = indexByID[id] {
                    current = known
                } else {
                    current = exams.count
                    indexByID[id] = current
                    exams.append(ExamSeries(id: id, channelCount: channelIndices.count))
                }
                currentID = id
            }
            if exams[current].label.isEmpty {
                guard let label = record.string(labelIndex) else { throw CSVError.invalidUTF8(file: file, row: row, column: labelColumn) }
                exams[current].label = label.trimmingCharacters(in: .whitespaces)
            }
            exams[current].times.append(time)
            for (k, index) in channelIndices.enumerated() {
                switch record.number(index) {
                case .value(let v): exams[current].channels[k].append(v)
                case .missing: missing[k] += 1; exams[current].channels[k].append(.nan)
                case .bad: bad[k] += 1; exams[current].channels[k].append(.nan)
                }
            }
        }

        var counts: [String: Double] = ["rows_read": Double(rowsRead)]
        for (k, name) in channelNames.enumerated() {
            counts["missing.\(name)"] = Double(missing[k])
            counts["bad_numbers.\(name)"] = Double(bad[k])
            if missing[k] + bad[k] == rowsRead {
                throw LearnError.badData("\(file): column '\(name)' has no numeric value in any of its \(rowsRead) rows")
            }
        }
        var droppedMissing = 0, duplicateRows = 0, duplicateTimes = 0
        var samples: [(id: String, label: String, start: Double, features: [Double])] = []
        var featureNames: [String] = []
        for index in exams.indices {
            var exam = exams[index]
            exams[index] = ExamSeries(id: exam.id, channelCount: 0)  // release the rows as we go
            let cleaned = ExamCleaner.clean(&exam, fill: fill, clip: clip)
            droppedMissing += cleaned.droppedMissing
            duplicateTimes += cleaned.duplicateTimes
            duplicateRows += cleaned.duplicateRows
            if exam.count == 0 { continue }
            if grouped {
                let (names, values) = FeatureExtractor.features(exam, channelNames: channelNames, window: window, step: step ?? window)
                featureNames = names
                samples.append((exam.id, exam.label, exam.times[0], values))
            } else {
                // One long series: each window is a sample, labelled by its last row.
                let width = max(2, window), stride = max(1, step ?? window)
                var start = 0
                while start + width <= exam.count {
                    var piece = ExamSeries(id: "\(start)", channelCount: channelNames.count)
                    piece.times = Array(exam.times[start..<(start + width)])
                    piece.channels = exam.channels.map { Array($0[start..<(start + width)]) }
                    let (names, values) = FeatureExtractor.features(piece, channelNames: channelNames, window: max(2, width / 4), step: max(1, width / 4))
                    featureNames = names
                    samples.append(("window-\(start)", exam.label, piece.times[0], values))
                    start += stride
                }
            }
        }
        counts["rows_dropped_missing"] = Double(droppedMissing)
        counts["rows_dropped_duplicate_time"] = Double(duplicateTimes)
        counts["rows_dropped_duplicate"] = Double(duplicateRows)
        if duplicateTimes > 0 { notes.append("\(duplicateTimes) rows repeat an earlier timestamp of their exam with other values: the first was kept") }
        guard samples.count >= 2 else {
            throw LearnError.badData("\(file): \(samples.count) sample(s) after cleaning; at least 2 are needed to split into train and test")
        }
        let table = FeatureTable(ids: samples.map(\.id), labels: samples.map(\.label), featureNames: featureNames,
                                 values: samples.flatMap(\.features))
        let (trainRows, testRows) = ExamSplitter.split(labels: table.labels, starts: samples.map(\.start), mode: split,
                                                       testFraction: testFraction, seed: seed)
        counts["exams"] = Double(samples.count)
        counts["train_exams"] = Double(trainRows.count)
        counts["test_exams"] = Double(testRows.count)
        counts["features"] = Double(featureNames.count)
        return Result(train: table.rows(trainRows), test: table.rows(testRows), counts: counts, columns: header,
                      channels: channelNames, notes: notes)
    }
}

/// "did you mean" for column names (edit distance).
enum Closest {
    static func match(_ word: String, in candidates: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var previous = row[0]
                row[0] = i
                for j in 1...max(b.count, 1) where !b.isEmpty {
                    let old = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                    previous = old
                }
            }
            return row[b.count]
        }
        let w = Array(word.lowercased())
        let scored = candidates.map { ($0, distance(w, Array($0.lowercased()))) }.filter { $0.1 <= max(2, w.count / 2) }
        return scored.min { $0.1 < $1.1 }?.0
    }
}
