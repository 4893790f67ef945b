import FlowSpec
import Foundation
import Learn

/// Exam CSV → cleaned, per-exam features split into train and test tables.
public struct PreprocessStep: Step {
    public static let name = "preprocess"
    public static let summary = "parse exam CSV, clean, fill gaps, per-exam features, train/test split by exam"

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
        pre.split = try Self.choice(p, "split", default: .exam)
        pre.window = try p.int("window", default: 50)
        pre.step = p["step"] == nil ? nil : try p.int("step")
        pre.testFraction = try p.double("test_fraction", default: 0.25)
        pre.seed = UInt64(max(0, try p.int("seed", default: 42)))
        guard pre.window >= 2 else { throw StepError.badParameter("window", expected: "an integer ≥ 2", got: p["window"]!) }
        guard (0.05...0.9).contains(pre.testFraction) else {
            throw StepError.badParameter("test_fraction", expected: "a number between 0.05 and 0.9", got: p["test_fraction"]!)
        }

        let input = try p.string("input")
        let url = context.path(input)
        guard FileManager.default.fileExists(atPath: url.path) else { throw StepError.failed("with.input: \(input): no such file") }
        context.log.info("reading \(url.path)")
        let started = Date()
        let result = try pre.run(csv: url, displayName: input)
        try context.checkCancellation()
        let c = result.counts
        context.log.info("read \(Int(c["rows_read"] ?? 0)) rows in \(String(format: "%.2f", Date().timeIntervalSince(started))) s; dropped \(Int(c["rows_dropped_duplicate"] ?? 0)) duplicate rows, \(Int(c["rows_dropped_missing"] ?? 0)) rows with missing values")
        for channel in result.channels {
            let missing = Int(c["missing.\(channel)"] ?? 0), bad = Int(c["bad_numbers.\(channel)"] ?? 0)
            if missing + bad > 0 { context.log.info("column '\(channel)': \(missing) missing, \(bad) not numbers (treated as missing)") }
        }
        result.notes.forEach { context.log.warning($0) }
        context.log.info("\(Int(c["exams"] ?? 0)) exams → \(result.train.rowCount) train, \(result.test.rowCount) test; \(result.train.columnCount) features")

        let trainURL = context.artifactDirectory.appendingPathComponent("train_features.csv")
        let testURL = context.artifactDirectory.appendingPathComponent("test_features.csv")
        let schemaURL = context.artifactDirectory.appendingPathComponent("schema.json")
        try result.train.write(to: trainURL)
        try result.test.write(to: testURL)
        let schema: [String: Any] = [
            "file": input, "columns": result.columns, "channels": result.channels,
            "features": result.train.featureNames, "quality": c, "notes": result.notes,
        ]
        try JSONSerialization.data(withJSONObject: schema, options: [.prettyPrinted, .sortedKeys]).write(to: schemaURL)
        return StepResult(
            outputs: ["train_features": .string(trainURL.path), "test_features": .string(testURL.path), "schema": .string(schemaURL.path)],
            metrics: c)
    }

    static func choice<T: RawRepresentable>(_ p: Parameters, _ name: String, default fallback: T) throws -> T where T.RawValue == String {
        let text = try p.string(name, default: fallback.rawValue)
        guard let value = T(rawValue: text) else {
            throw StepError.badParameter(name, expected: "one of the documented values", got: .string(text))
        }
        return value
    }
}
