import FlowSpec
import Foundation
import Learn
import Steps
import Testing

/// preprocess's `transform`: log1p per channel, for every channel, or chosen from the data.
@Suite struct TransformParameterTests: StepScratch {
    let dir = Self.newDirectory()

    /// 40 exams of 20 samples: `count` is a skewed count (mostly small, now and then thousands),
    /// `temp` a temperature with fractions, `delta` whole numbers that go below zero.
    func exams() throws -> String {
        var rng = SplitMix64(seed: 9)
        var text = "exam_id,timestamp,count,temp,delta,label\n"
        for e in 0..<40 {
            for t in 0..<20 {
                let count = exp(2 * rng.normal()).rounded()
                text +=
                    "E\(e),\(t),\(Int(count)),\(20 + rng.normal()),\(Int((3 * rng.normal()).rounded())),\(e % 2 == 0 ? "pass" : "fail")\n"
            }
        }
        return try write("exams.csv", text)
    }

    func features(_ result: StepResult, _ side: String) throws -> FeatureTable {
        try FeatureTable.read(from: URL(fileURLWithPath: result.outputs["\(side)_features"]!.stringValue!))
    }

    @Test func autoTakesTheCountChannelOnly() async throws {
        let input = try exams()
        let plain = try await PreprocessStep().run(try context("plain", ["input": .string(input), "window": 5]))
        let log = LogLines()
        let auto = try await PreprocessStep().run(
            try context("auto", ["input": .string(input), "window": 5, "transform": "auto"], log: log.logger))
        #expect(auto.outputs["transforms"] == .map(["count": "log1p"]))
        #expect(auto.metrics["channels_log1p"] == 1)
        #expect(log.lines.contains("log1p on count"))
        #expect(
            log.lines.contains {
                $0.contains("transform auto: count log1p: whole numbers 0–") && $0.contains("temp none: not whole numbers")
                    && $0.contains("delta none: negative values")
            })
        let raw = try features(plain, "train"), logged = try features(auto, "train")
        #expect(raw.ids == logged.ids && raw.featureNames == logged.featureNames)
        let max = raw.featureNames.firstIndex(of: "count_max")!, temp = raw.featureNames.firstIndex(of: "temp_mean")!
        for r in 0..<raw.rowCount {
            #expect(
                abs(logged[r, max] - Foundation.log1p(raw[r, max])) < 1e-12, "log1p is monotone: the max of the logs is the log of the max")
            #expect(logged[r, temp] == raw[r, temp])
        }
        let schema =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: auto.outputs["schema"]!.stringValue!)))
            as! [String: Any]
        #expect(schema["transforms"] as? [String: String] == ["count": "log1p"])
    }

    @Test func aNamedChannelIsTransformedAndNoOther() async throws {
        let input = try exams()
        let result = try await PreprocessStep().run(
            try context("p", ["input": .string(input), "window": 5, "transform": .map(["temp": "log1p"])]))
        #expect(result.outputs["transforms"] == .map(["temp": "log1p"]))
    }

    @Test func negativeValuesUnknownChannelsAndBadValuesAreRefused() async throws {
        let input = try exams()
        let cases: [(Value, String)] = [
            (.map(["delta": "log1p"]), "exams.csv: row "),
            ("log1p", "exams.csv: row "),
            (.map(["pressure": "log1p"]), "with.transform: 'pressure' is not a channel of exams.csv (channels: count, temp, delta)"),
            (.map(["count": "sqrt"]), "with.transform.count: expected log1p or none, got string \"sqrt\""),
            (
                "square",
                "with.transform: expected none, auto, log1p (every channel) or a map of channel → log1p or none, got string \"square\""
            ),
        ]
        for (transform, expected) in cases {
            do {
                _ = try await PreprocessStep().run(try context("p", ["input": .string(input), "transform": transform]))
                Issue.record("expected an error for \(transform)")
            } catch {
                #expect("\(error)".hasPrefix(expected), "\(error)")
                #expect((error as? PermanentFailure)?.isPermanent == true, "\(error)")
            }
        }
        // The row named holds the first negative delta.
        let lines = try String(contentsOf: dir.appendingPathComponent("exams.csv"), encoding: .utf8).split(separator: "\n")
        let row = lines.indices.first { $0 > 0 && Int(lines[$0].split(separator: ",")[4])! < 0 }! + 1
        let value = Double(lines[row - 1].split(separator: ",")[4])!
        do {
            _ = try await PreprocessStep().run(try context("p", ["input": .string(input), "transform": .map(["delta": "log1p"])]))
            Issue.record("expected an error")
        } catch {
            #expect(
                "\(error)".hasPrefix(
                    "exams.csv: row \(row), column 'delta': \(value) is negative, and with.transform gives this channel log1p"), "\(error)")
        }
    }
}
