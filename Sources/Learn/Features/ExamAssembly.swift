import Foundation

/// Puts parsed chunks back together into exams (in the order the file first names them) and turns
/// each exam into samples as soon as its rows have ended, on all cores.
struct ExamAssembly {
    struct Sample: Sendable {
        var id: String
        var label: String
        var start: Double
        var features: [Double]
        /// `transform: auto`: the features again with log1p on every channel (the choice is made
        /// once the whole file is read).
        var logFeatures: [Double]? = nil
        var side: ExamSide?
        var firstRow: Int
    }

    private struct Featurized: Sendable {
        var samples: [Sample]
        var outcome: ExamCleaner.Outcome
        /// The exam's length after cleaning when it was shorter than the window asked (then clipped).
        var clippedLength: Int?
    }

    let settings: Preprocessor
    let channelNames: [String]
    let columns: ExamColumns
    var grouped: Bool { columns.group != nil }
    private(set) var rowsRead = 0
    private(set) var missing: [Int]
    private(set) var bad: [Int]
    /// Each channel's values summarised over the file (when a transform needs them).
    private(set) var moments: [ChannelMoments]
    /// The transform of each channel named by `transform:` (auto: none here; see ``auto``).
    let transforms: [ChannelTransform]
    var auto: Bool { settings.transform == .auto }
    /// Per exam, in first-seen order: its samples once computed (grouped: one; a single series: one per window).
    private(set) var samples: [[Sample]?] = []
    private var outcomes: [ExamCleaner.Outcome?] = []
    /// Per exam, its length when the window was clipped to it.
    private var clipped: [Int?] = []
    private var indexByID: [String: Int] = [:]
    /// The exam whose rows are being read, and the exams whose rows have ended.
    private var open: (index: Int, exam: ExamSeries)?
    private var ended: [(index: Int, exam: ExamSeries)] = []
    /// Exams met again after their rows had ended: set aside and gathered by a second read.
    private(set) var scattered: Set<String> = []
    /// The most rows held at once (exams being read or waiting for features): what bounds memory.
    private(set) var peakRowsHeld = 0
    private var gathering: [String: ExamSeries] = [:]

    init(settings: Preprocessor, channelNames: [String], columns: ExamColumns) {
        self.settings = settings
        self.channelNames = channelNames
        self.columns = columns
        missing = Array(repeating: 0, count: channelNames.count)
        bad = Array(repeating: 0, count: channelNames.count)
        moments = Array(repeating: ChannelMoments(), count: channelNames.count)
        if case .channels(let named) = settings.transform {
            transforms = channelNames.map { named[$0] ?? .none }
        } else {
            transforms = Array(repeating: .none, count: channelNames.count)
        }
    }

    /// The lengths of the exams shorter than the window asked (their windows were clipped to them).
    var clippedLengths: [Int] { clipped.compactMap { $0 } }

    /// What cleaning dropped, over the exams kept.
    var cleaning: ExamCleaner.Outcome {
        outcomes.reduce(into: ExamCleaner.Outcome()) { total, outcome in
            guard let outcome else { return }
            total.droppedMissing += outcome.droppedMissing
            total.duplicateRows += outcome.duplicateRows
            total.duplicateTimes += outcome.duplicateTimes
        }
    }

    /// First read: one chunk's rows, in file order; `rowsBefore` rows of the file precede the chunk.
    mutating func add(_ rows: ExamRows, rowsBefore: Int) throws {
        rowsRead += rows.rowsRead
        for k in missing.indices {
            missing[k] += rows.missing[k]
            bad[k] += rows.bad[k]
        }
        if !rows.moments.isEmpty {
            for k in moments.indices {
                moments[k].merge(rows.moments[k], rowsBefore: rowsBefore)
                if transforms[k] == .log1p, let negative = moments[k].firstNegative {
                    throw LearnError.badData(
                        "\(columns.file): row \(negative.row), column '\(channelNames[k])': \(negative.value) is negative, and with.transform gives this channel log1p, which needs values ≥ 0 (leave the channel out of transform, or use transform: auto, which skips channels with negative values)"
                    )
                }
            }
        }
        for r in rows.runs.indices {
            let id = rows.runs[r].id
            if open?.exam.id != id {
                endOpenExam()
                if let index = indexByID[id] {
                    scattered.insert(id)
                    open = (index, ExamSeries(id: id, channelCount: channelNames.count))
                } else {
                    indexByID[id] = samples.count
                    open = (samples.count, ExamSeries(id: id, channelCount: channelNames.count))
                    samples.append(nil)
                    outcomes.append(nil)
                    clipped.append(nil)
                }
            }
            try open!.exam.append(rows, run: r, rowsBefore: rowsBefore, columns: columns)
        }
        featurizeEnded()
    }

    mutating func finishFirstRead() {
        endOpenExam()
        featurizeEnded()
        for id in scattered {
            samples[indexByID[id]!] = nil
            outcomes[indexByID[id]!] = nil
            clipped[indexByID[id]!] = nil
        }
    }

    /// Second read: rows of the scattered exams only.
    mutating func gather(_ rows: ExamRows, rowsBefore: Int) throws {
        for r in rows.runs.indices {
            try gathering[rows.runs[r].id, default: ExamSeries(id: rows.runs[r].id, channelCount: channelNames.count)]
                .append(rows, run: r, rowsBefore: rowsBefore, columns: columns)
        }
    }

    mutating func finishGathering() {
        ended = gathering.map { (indexByID[$0.key]!, $0.value) }
        gathering = [:]
        featurizeEnded()
    }

    private mutating func endOpenExam() {
        guard let exam = open else { return }
        open = nil
        if !scattered.contains(exam.exam.id) { ended.append(exam) }
    }

    private mutating func featurizeEnded() {
        peakRowsHeld = max(peakRowsHeld, ended.reduce(open?.exam.count ?? 0) { $0 + $1.exam.count })
        guard !ended.isEmpty else { return }
        let (settings, channelNames, grouped, transforms, auto) = (settings, channelNames, grouped, transforms, auto)
        var batch = ended
        ended = []
        if batch.count == 1 {
            // Often the one long series: its only reference goes to featurize, which cleans it in place.
            let exam = batch.removeLast()
            record(Self.featurize(exam.exam, settings, channelNames, grouped, transforms, auto), at: exam.index)
            return
        }
        let results = parallelMap(batch.map(\.exam)) { Self.featurize($0, settings, channelNames, grouped, transforms, auto) }
        for (exam, result) in zip(batch, results) { record(result, at: exam.index) }
    }

    private mutating func record(_ result: Featurized, at index: Int) {
        samples[index] = result.samples
        outcomes[index] = result.outcome
        clipped[index] = result.clippedLength
    }

    private static func featurize(
        _ exam: consuming ExamSeries, _ settings: Preprocessor, _ channelNames: [String], _ grouped: Bool,
        _ transforms: [ChannelTransform], _ auto: Bool
    ) -> Featurized {
        // The exam's start is its first timestamp, whatever cleaning then drops.
        let first = exam.times.min() ?? 0
        let outcome = ExamCleaner.clean(&exam, fill: settings.fill, clip: settings.clip)
        guard exam.count > 0 else { return Featurized(samples: [], outcome: outcome) }
        // Transforms apply to the cleaned values: gaps are filled and outliers clipped on the file's scale.
        for j in transforms.indices where transforms[j] == .log1p {
            exam.channels[j] = exam.channels[j].map { Foundation.log1p($0) }
        }
        func logged(_ series: ExamSeries) -> ExamSeries {
            var copy = series
            copy.channels = copy.channels.map { $0.map { Foundation.log1p($0) } }
            return copy
        }
        let n = exam.count
        let width = settings.window.samples(in: n, least: 2)
        let stride = settings.step?.samples(in: n, least: 1) ?? width
        let clippedLength = settings.window.clips(n) ? n : nil
        if grouped {
            let values = FeatureExtractor.features(exam, window: width, step: stride)
            let logValues = auto ? FeatureExtractor.features(logged(exam), window: width, step: stride) : nil
            return Featurized(
                samples: [
                    Sample(
                        id: exam.id, label: exam.label, start: first, features: values, logFeatures: logValues,
                        side: exam.side, firstRow: exam.firstRow)
                ], outcome: outcome, clippedLength: clippedLength)
        }
        // One long series: each window is a sample, labelled by the series' label.
        var samples: [Sample] = []
        var start = 0
        while start + width <= exam.count {
            var piece = ExamSeries(id: "\(start)", channelCount: channelNames.count)
            piece.times = Array(exam.times[start..<(start + width)])
            piece.channels = exam.channels.map { Array($0[start..<(start + width)]) }
            let values = FeatureExtractor.features(piece, window: max(2, width / 4), step: max(1, width / 4))
            let logValues = auto ? FeatureExtractor.features(logged(piece), window: max(2, width / 4), step: max(1, width / 4)) : nil
            samples.append(
                Sample(
                    id: "window-\(start)", label: exam.label, start: piece.times[0], features: values, logFeatures: logValues,
                    side: nil, firstRow: exam.firstRow))
            start += stride
        }
        return Featurized(samples: samples, outcome: outcome, clippedLength: clippedLength)
    }
}
