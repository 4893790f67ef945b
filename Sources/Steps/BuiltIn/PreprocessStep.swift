import FlowSpec
import Foundation
import Learn

/// Exam CSV → cleaned, per-exam features split into train and test tables.
public struct PreprocessStep: Step {
    public static let name = "preprocess"
    public static let summary = "parse exam CSV, clean, fill gaps, per-exam features, train/test split by exam"
    /// The CSV is parsed in chunks on every core (CSVReader's parallelism).
    public static let slots = StepSlots.allCores

    public init() {}

    public func run(_ context: StepContext) async throws -> StepResult {
        let p = context.parameters
        var pre = Preprocessor()
        pre.groupColumn = try p.string("group_column", default: "exam_id")
        pre.timeColumn = try p.string("time_column", default: "timestamp")
        pre.labelColumn = try p.string("label_column", default: "label")
        if p["channels"] != nil { pre.channels = try p.strings("channels", default: []) }
        let delimiter = try p.string("delimiter", default: "")
        switch delimiter {
        case "": break
        case "tab", "\\t", "\t": pre.delimiter = UInt8(ascii: "\t")
        case ",", ";": pre.delimiter = delimiter.utf8.first
        default: throw StepError.badParameter("delimiter", expected: "',', ';' or 'tab'", got: .string(delimiter))
        }
        pre.fill = try Self.choice(p, "fill", default: .interpolate)
        pre.clip = try Self.choice(p, "clip", default: .none)
        pre.split = try Self.split(p)
        pre.task = try Self.task(p)
        pre.window = try Self.length(p, "window", least: 2) ?? .samples(50)
        pre.step = try Self.length(p, "step", least: 1)
        pre.transform = try Self.transform(p)

        let input = try p.string("input")
        let url = context.path(input)
        guard FileManager.default.fileExists(atPath: url.path) else { throw StepError.failed("with.input: \(input): no such file") }
        context.log.info("reading \(url.path)")
        let started = Date()
        let result = try pre.run(csv: url, displayName: input)
        try context.checkCancellation()
        let c = result.counts
        context.log.info(
            "read \(Int(c["rows_read"] ?? 0)) rows in \(String(format: "%.2f", Date().timeIntervalSince(started))) s; dropped \(Int(c["rows_dropped_duplicate"] ?? 0)) duplicate rows, \(Int(c["rows_dropped_missing"] ?? 0)) rows with missing values"
        )
        for channel in result.channels {
            let missing = Int(c["missing.\(channel)"] ?? 0), bad = Int(c["bad_numbers.\(channel)"] ?? 0)
            if missing + bad > 0 { context.log.info("column '\(channel)': \(missing) missing, \(bad) not numbers (treated as missing)") }
        }
        result.notes.forEach { context.log.warning($0) }
        context.log.info("task: \(result.task.rawValue) (\(result.taskReason)\(pre.task == nil ? "; set task to override" : ""))")
        context.log.info("split: \(result.split.rule.summary)")
        if !result.transforms.isEmpty {
            context.log.info("log1p on " + result.transforms.keys.sorted().joined(separator: ", "))
        }
        context.log.info(
            "\(Int(c["exams"] ?? 0)) exams → \(result.train.rowCount) train, \(result.test.rowCount) test; \(result.train.columnCount) features"
        )
        if !result.split.trainCounts.isEmpty {
            let classes = Set(result.split.trainCounts.keys).union(result.split.testCounts.keys).sorted()
            context.log.info(
                "per class (train/test): "
                    + classes.map { "\($0) \(result.split.trainCounts[$0] ?? 0)/\(result.split.testCounts[$0] ?? 0)" }.joined(
                        separator: ", "))
            if let missing = classes.first(where: { result.split.trainCounts[$0] == nil }) {
                context.log.warning("class '\(missing)' has no exam in the train set: the model cannot predict it")
            }
        }

        let trainURL = context.artifactDirectory.appendingPathComponent("train_features.csv")
        let testURL = context.artifactDirectory.appendingPathComponent("test_features.csv")
        let schemaURL = context.artifactDirectory.appendingPathComponent("schema.json")
        try result.train.write(to: trainURL)
        try result.test.write(to: testURL)
        let schema: [String: Any] = [
            "file": input, "columns": result.columns, "channels": result.channels,
            "features": result.train.featureNames, "quality": c, "notes": result.notes,
            "dropped_features": ["constant": result.dropped.constant, "duplicate_of": result.dropped.duplicates],
            "task": result.task.rawValue,
            "transforms": result.transforms, "transform_reasons": result.transformReasons,
            "split": [
                "rule": result.split.rule.kind, "summary": result.split.rule.summary,
                "train_counts": result.split.trainCounts, "test_counts": result.split.testCounts,
            ],
        ]
        try JSONSerialization.data(withJSONObject: schema, options: [.prettyPrinted, .sortedKeys]).write(to: schemaURL)
        return StepResult(
            outputs: [
                "train_features": .string(trainURL.path), "test_features": .string(testURL.path), "schema": .string(schemaURL.path),
                "transforms": .map(result.transforms.mapValues(Value.string)),
                "split": .string(result.split.rule.kind), "task": .string(result.task.rawValue),
                "features_dropped": .map([
                    "constant": .number(Double(result.dropped.constant.count)),
                    "duplicate": .number(Double(result.dropped.duplicates.count)),
                ]),
                "train_counts": .map(result.split.trainCounts.mapValues { .number(Double($0)) }),
                "test_counts": .map(result.split.testCounts.mapValues { .number(Double($0)) }),
            ],
            metrics: c)
    }

    /// `split: exam | time`, or the test set named by `test_exams` (a regular expression over exam
    /// ids) or by `split_column`: at most one of those two, and not with `split: time`.
    static func split(_ p: Parameters) throws -> ExamSplit {
        let mode = try p.string("split", default: "exam")
        let testExams = try p.string("test_exams", default: ""), splitColumn = try p.string("split_column", default: "")
        guard mode == "exam" || mode == "time" else {
            throw StepError.badParameter("split", expected: "exam or time (or set test_exams or split_column)", got: .string(mode))
        }
        if !testExams.isEmpty && !splitColumn.isEmpty {
            throw StepError.invalidInput("with.test_exams and with.split_column both name the test set: set one of them")
        }
        if mode == "time" && !(testExams.isEmpty && splitColumn.isEmpty) {
            throw StepError.invalidInput(
                "with.split: time chooses the test set by time; with.\(testExams.isEmpty ? "split_column" : "test_exams") names it: set one of them"
            )
        }
        if !testExams.isEmpty {
            do { _ = try ExamSplit.regex(testExams) } catch {
                throw StepError.badParameter("test_exams", expected: "a regular expression over exam ids", got: .string(testExams))
            }
            return .testExams(pattern: testExams)
        }
        if !splitColumn.isEmpty { return .column(name: splitColumn) }
        let fraction = try p.double("test_fraction", default: 0.25)
        guard (0.05...0.9).contains(fraction) else {
            throw StepError.badParameter("test_fraction", expected: "a number between 0.05 and 0.9", got: p["test_fraction"]!)
        }
        if mode == "time" { return .time(testFraction: fraction) }
        return .stratified(testFraction: fraction, seed: UInt64(max(0, try p.int("seed", default: 42))))
    }

    /// `transform: none | auto | log1p` (every channel), or a map channel → `log1p`/`none`.
    static func transform(_ p: Parameters) throws -> TransformChoice {
        let expected = "none, auto, log1p (every channel) or a map of channel → log1p or none"
        switch p["transform"] {
        case nil, .null, .string("none"), .string(""): return .none
        case .string("auto"): return .auto
        case .string("log1p"): return .every(.log1p)
        case .map(let named):
            var transforms: [String: ChannelTransform] = [:]
            for (channel, value) in named {
                guard case .string(let text) = value, let t = ChannelTransform(rawValue: text) else {
                    throw StepError.badParameter("transform.\(channel)", expected: "log1p or none", got: value)
                }
                transforms[channel] = t
            }
            return .channels(transforms)
        case let other?: throw StepError.badParameter("transform", expected: expected, got: other)
        }
    }

    /// A window length: whole samples (at least `least`), or a fraction in (0, 1) of each exam's length.
    static func length(_ p: Parameters, _ name: String, least: Int) throws -> WindowLength? {
        guard let value = p[name], value != .null else { return nil }
        let number = try p.double(name)
        guard let length = WindowLength(number), length != .samples(1) || least <= 1 else {
            throw StepError.badParameter(
                name, expected: "an integer ≥ \(least) (samples) or a fraction in (0, 1) of each exam's length", got: value)
        }
        return length
    }

    /// `task: auto | classification | regression`; nil for auto.
    static func task(_ p: Parameters) throws -> LearningTask? {
        let text = try p.string("task", default: "auto")
        if text == "auto" { return nil }
        guard let task = LearningTask(rawValue: text) else {
            throw StepError.badParameter("task", expected: "auto, classification or regression", got: .string(text))
        }
        return task
    }

    static func choice<T: RawRepresentable>(_ p: Parameters, _ name: String, default fallback: T) throws -> T where T.RawValue == String {
        let text = try p.string(name, default: fallback.rawValue)
        guard let value = T(rawValue: text) else {
            throw StepError.badParameter(name, expected: "one of the documented values", got: .string(text))
        }
        return value
    }
}
