import Foundation

/// Exam CSV → cleaned series → per-exam features → train/test split: the `preprocess` step's work.
public struct Preprocessor: Sendable {
    public enum Fill: String, Sendable { case interpolate, ffill, drop }
    public enum Clip: String, Sendable { case none, zscore, iqr }

    public var groupColumn = "exam_id"
    public var timeColumn = "timestamp"
    public var labelColumn = "label"
    /// nil: every other column.
    public var channels: [String]?
    public var delimiter: UInt8?
    public var fill = Fill.interpolate
    public var clip = Clip.none
    /// Rolling windows for the window statistics, clipped to each exam's length.
    public var window = WindowLength.samples(50)
    /// nil: the window's length (windows side by side).
    public var step: WindowLength?
    public var split = ExamSplit.stratified(testFraction: 0.25, seed: 42)
    /// nil: decided from the labels (``ModelTrainer/inferTask(_:)``). A classification's classes are
    /// stratified and counted on each side.
    public var task: LearningTask?
    /// Channel transforms (``TransformChoice``), applied to the cleaned values before features.
    public var transform = TransformChoice.none
    /// Bytes read at a time (tests make it small to cut exams across many chunks).
    var blockSize = 1 << 22

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
        /// The split made, with the rows per class on each side.
        public var split: SplitSummary
        /// The task the split assumed (given, or inferred from the labels), and why, in words.
        public var task: LearningTask
        public var taskReason: String
        /// Feature columns dropped before training: constant ones, and copies (name → the kept column it repeats).
        public var dropped: (constant: [String], duplicates: [String: String])
        /// The channels whose values were transformed (channel → `log1p`), and for `transform: auto`
        /// why each channel was or was not.
        public var transforms: [String: String] = [:]
        public var transformReasons: [String: String] = [:]
        /// The most rows held in memory at once (see ``ExamAssembly/peakRowsHeld``).
        var peakRowsHeld = 0
    }

    /// Reads the file once, in chunks parsed on all cores. An exam's features are computed as soon
    /// as its rows end, so memory holds a few chunks and the exams in flight, not the file. An exam
    /// whose rows are not all together (it appears again after another exam) is set aside and
    /// gathered by a second read of the file that keeps only such exams.
    public func run(csv url: URL, displayName: String? = nil) throws -> Result {
        let reader = try CSVReader(url: url, delimiter: delimiter, displayName: displayName, blockSize: blockSize)
        let file = reader.file
        let header = reader.header
        func column(_ name: String, role: String) throws -> Int {
            if let i = header.firstIndex(of: name) { return i }
            throw CSVError.missingColumn(file: file, name: name, role: role, suggestion: Closest.match(name, in: header), available: header)
        }
        let grouped = !groupColumn.isEmpty
        var splitColumn: String?
        switch split {
        case .column(let name):
            guard grouped else { throw LearnError.badData("split_column needs exams: a group column (group_column is empty)") }
            splitColumn = name
        case .testExams(let pattern):
            guard grouped else { throw LearnError.badData("test_exams needs exams: a group column (group_column is empty)") }
            _ = try ExamSplit.regex(pattern)
        case .stratified, .time: break
        }
        let channelNames = try channels ?? header.filter { ![groupColumn, timeColumn, labelColumn, splitColumn].contains($0) }
        var columns = ExamColumns(
            file: file, group: grouped ? try column(groupColumn, role: "group") : nil, groupName: groupColumn,
            time: try column(timeColumn, role: "time"), timeName: timeColumn,
            label: try column(labelColumn, role: "label"), labelName: labelColumn,
            channels: try channelNames.map { try column($0, role: "channel") })
        if let splitColumn {
            (columns.split, columns.splitName) = (try column(splitColumn, role: "split"), splitColumn)
        }
        guard !columns.channels.isEmpty else { throw LearnError.badData("\(file): no channel columns besides group, time and label") }
        var settings = self
        if case .every(let t) = transform { settings.transform = .channels(Dictionary(uniqueKeysWithValues: channelNames.map { ($0, t) })) }
        if case .channels(let named) = settings.transform {
            if let unknown = named.keys.sorted().first(where: { !channelNames.contains($0) }) {
                throw LearnError.badData(
                    "with.transform: '\(unknown)' is not a channel of \(file) (channels: \(channelNames.joined(separator: ", ")))")
            }
        }
        columns.summarise = transform != .none

        var assembly = ExamAssembly(settings: settings, channelNames: channelNames, columns: columns)
        try reader.forEachChunk(
            parse: { [columns] in try ExamRows.parse($0, columns: columns) },
            consume: { rows, before in try assembly.add(rows, rowsBefore: before) })
        assembly.finishFirstRead()
        if !assembly.scattered.isEmpty {
            let again = try CSVReader(url: url, delimiter: reader.delimiter, displayName: displayName, blockSize: blockSize)
            let only = assembly.scattered
            try again.forEachChunk(
                parse: { [columns] in try ExamRows.parse($0, columns: columns, only: only) },
                consume: { rows, before in try assembly.gather(rows, rowsBefore: before) })
            assembly.finishGathering()
        }

        let rowsRead = assembly.rowsRead
        var counts: [String: Double] = ["rows_read": Double(rowsRead)]
        for (k, name) in channelNames.enumerated() {
            counts["missing.\(name)"] = Double(assembly.missing[k])
            counts["bad_numbers.\(name)"] = Double(assembly.bad[k])
            if assembly.missing[k] + assembly.bad[k] == rowsRead {
                throw LearnError.badData("\(file): column '\(name)' has no numeric value in any of its \(rowsRead) rows")
            }
        }
        let samples = assembly.samples.compactMap { $0 }.flatMap { $0 }
        let cleaning = assembly.cleaning
        counts["rows_dropped_missing"] = Double(cleaning.droppedMissing)
        counts["rows_dropped_duplicate_time"] = Double(cleaning.duplicateTimes)
        counts["rows_dropped_duplicate"] = Double(cleaning.duplicateRows)
        var notes: [String] = []
        if cleaning.duplicateTimes > 0 {
            notes.append("\(cleaning.duplicateTimes) rows repeat an earlier timestamp of their exam with other values: the first was kept")
        }
        let clipped = assembly.clippedLengths
        counts["exams_shorter_than_window"] = Double(clipped.count)
        if let shortest = clipped.min(), let longest = clipped.max() {
            notes.append(
                "window \(window) is longer than \(clipped.count) of \(assembly.samples.count) exams (\(shortest)–\(longest) samples after cleaning): their windows were clipped to the exam, so their window features repeat the whole exam's; a fraction such as window: 0.25 follows each exam's length"
            )
        }
        if !assembly.scattered.isEmpty {
            notes.append(
                "\(assembly.scattered.count) exam(s) had their rows apart in the file (e.g. '\(assembly.scattered.min()!)'): they were gathered by a second read"
            )
        }
        guard samples.count >= 2 else {
            throw LearnError.badData(
                "\(file): \(samples.count) sample(s) after cleaning; at least 2 are needed to split into train and test")
        }
        let featureNames = FeatureExtractor.names(channelNames)
        var chosen: [ChannelTransform]
        var transformReasons: [String: String] = [:]
        switch settings.transform {
        case .none, .every: chosen = channelNames.map { _ in .none }  // .every became .channels above
        case .channels(let named): chosen = channelNames.map { named[$0] ?? .none }
        case .auto:
            chosen = []
            for (k, name) in channelNames.enumerated() {
                let (t, why) = AutoTransform.choose(assembly.moments[k])
                chosen.append(t)
                transformReasons[name] = "\(t.rawValue): \(why)"
            }
            notes.append("transform auto: " + channelNames.map { "\($0) \(transformReasons[$0]!)" }.joined(separator: "; "))
        }
        let values: [Double]
        if transform == .auto, chosen.contains(.log1p) {
            // Each channel's block of features from the raw or the log1p series, as chosen.
            let width = FeatureExtractor.perChannel.count
            var picked = [Double]()
            picked.reserveCapacity(samples.count * featureNames.count)
            for sample in samples {
                for (k, t) in chosen.enumerated() {
                    let source = t == .log1p ? sample.logFeatures! : sample.features
                    picked.append(contentsOf: source[(k * width)..<((k + 1) * width)])
                }
            }
            values = picked
        } else {
            values = samples.flatMap(\.features)
        }
        let transformed = Dictionary(uniqueKeysWithValues: zip(channelNames, chosen).filter { $0.1 != .none }.map { ($0.0, $0.1.rawValue) })
        counts["channels_log1p"] = Double(transformed.count)
        let table = FeatureTable(ids: samples.map(\.id), labels: samples.map(\.label), featureNames: featureNames, values: values)
        let (task, taskReason) = ModelTrainer.task(self.task, labels: table.labels)
        let (trainRows, testRows) = try ExamSplitter.split(
            samples.map { ExamSplitter.Sample(id: $0.id, label: $0.label, start: $0.start, side: $0.side, firstRow: $0.firstRow) },
            rule: split, classification: task == .classification, file: file)
        var summary = SplitSummary(rule: split)
        if task == .classification {
            for r in trainRows { summary.trainCounts[table.labels[r], default: 0] += 1 }
            for r in testRows { summary.testCounts[table.labels[r], default: 0] += 1 }
        }
        counts["exams"] = Double(samples.count)
        counts["train_exams"] = Double(trainRows.count)
        counts["test_exams"] = Double(testRows.count)
        var train = table.rows(trainRows), test = table.rows(testRows)
        var dropped = ColumnPruning.find(in: train)
        if dropped.constant.count == train.columnCount {
            // Nothing would be left: keep the table whole and say so (train decides what it can fit).
            notes.append("every feature is constant over the \(train.rowCount) train exam(s): a model can learn nothing from them")
            dropped = ColumnPruning()
        }
        if !dropped.isEmpty {
            let kept = (0..<train.columnCount).filter { dropped.reason[$0] == nil }
            train = train.columns(kept)
            test = test.columns(kept)
            notes.append(dropped.summary(featureNames))
        }
        counts["features_dropped_constant"] = Double(dropped.constant.count)
        counts["features_dropped_duplicate"] = Double(dropped.duplicates.count)
        counts["features"] = Double(train.columnCount)
        return Result(
            train: train, test: test, counts: counts, columns: header,
            channels: channelNames, notes: notes, split: summary, task: task, taskReason: taskReason,
            dropped: dropped.names(featureNames), transforms: transformed, transformReasons: transformReasons,
            peakRowsHeld: assembly.peakRowsHeld)
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
