import FlowSpec
import Foundation
import Learn
import Steps
import Testing

/// Bad input files through preprocess, train and evaluate, called as the engine calls them: each
/// step fails with a message that names the file, the row and the column (or id) — or, for test
/// labels a model never saw, succeeds and says so — and nothing crashes.
@Suite struct BadInputTests: StepScratch {
    let dir = Self.newDirectory()

    /// The error `body` fails with, as the run's log shows it; nil when it succeeds.
    func failure(_ body: () async throws -> StepResult) async -> String? {
        do {
            _ = try await body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    func preprocess(_ input: String) async -> String? {
        await failure { try await PreprocessStep().run(try context("preprocess", ["input": .string(input)])) }
    }

    func train(_ features: String, _ more: [String: Value] = [:]) async -> String? {
        var parameters: [String: Value] = ["features": .string(features)]
        parameters.merge(more) { $1 }
        return await failure { try await TrainStep().run(try context("train", parameters)) }
    }

    // MARK: invalid UTF-8

    @Test func invalidUTF8InAGroupOrLabelCellOfAnExamCSV() async throws {
        let header = Array("exam_id,timestamp,x,label\nA,1,1,pass\n".utf8)
        // 0xC3 0x28: a two-byte lead followed by '(' ; 0xFF never occurs in UTF-8.
        let group = try write("group.csv", bytes: header + [0x42, 0xC3, 0x28] + Array(",2,2,fail\n".utf8))
        let label = try write("label.csv", bytes: header + Array("B,2,2,".utf8) + [0x66, 0xFF, 0x69, 0x6C] + [0x0A])
        #expect(await preprocess(group) == "group.csv: row 3, column 'exam_id': invalid UTF-8")
        #expect(await preprocess(label) == "label.csv: row 3, column 'label': invalid UTF-8")
    }

    @Test func invalidUTF8InAnIdOrLabelCellOfAFeatureTable() async throws {
        let header = Array("id,label,x0\nr0,pass,1\nr1,fail,2\n".utf8)
        let id = try write("id.csv", bytes: header + [0x72, 0xE2, 0x82] + Array(",pass,3\n".utf8))
        let label = try write("label.csv", bytes: header + Array("r2,".utf8) + [0xC0, 0xAF] + Array(",3\n".utf8))
        #expect(await train(id) == "id.csv: row 4, column 'id': invalid UTF-8")
        #expect(await train(label) == "label.csv: row 4, column 'label': invalid UTF-8")
    }

    // MARK: binary files

    /// 4 KiB from a seeded generator, so every run sees the same bytes; a NUL among the first few.
    static func garbage() -> [UInt8] {
        var rng = SplitMix64(seed: 11)
        var bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }
        bytes[5] = 0
        return bytes
    }

    @Test func randomBytesAreNotCSV() async throws {
        let file = try write("garbage.bin", bytes: Self.garbage())
        #expect(await preprocess(file) == "garbage.bin: row 1: binary data (a NUL byte), not CSV text")
        #expect(await train(file) == "garbage.bin: row 1: binary data (a NUL byte), not CSV text")
        let model = try await TrainStep().run(try context("train", ["features": .string(try write("ok.csv", Self.separable))]))
        let evaluated = await failure {
            try await EvaluateStep().run(try context("evaluate", ["model": model.outputs["model"]!, "features": .string(file)]))
        }
        #expect(evaluated == "garbage.bin: row 1: binary data (a NUL byte), not CSV text")
        // A model file of garbage is refused as a model file.
        let refused = await failure {
            try await EvaluateStep().run(try context("evaluate", ["model": .string(file), "features": "ok.csv"]))
        }
        #expect(
            refused?.hasPrefix(dir.appendingPathComponent("garbage.bin").path + ": not a usable model file: ") == true,
            "\(refused ?? "no error")")
    }

    @Test func aNulByteInADataRowNamesTheRow() async throws {
        let exams = try write("nul.csv", bytes: Array("exam_id,timestamp,x,label\nA,1,1,pass\nB,2,".utf8) + [0x00] + Array("2,fail\n".utf8))
        #expect(await preprocess(exams) == "nul.csv: row 3: binary data (a NUL byte), not CSV text")
        let table = try write("nul-features.csv", bytes: Array("id,label,x0\nr0,pass,1\nr1,fail,".utf8) + [0x00] + Array("\n".utf8))
        #expect(await train(table) == "nul-features.csv: row 3: binary data (a NUL byte), not CSV text")
    }

    // MARK: targets

    @Test func aNonNumericTargetForRegressionNamesRowAndId() async throws {
        let table = try write("reg.csv", "id,label,x0\nr0,1.5,1\nr1,2.5,2\nr2,n/a?,3\nr3,4.5,4\n")
        #expect(
            await train(table, ["task": "regression", "model_type": "linear"])
                == "reg.csv: row 4 (id r2): label 'n/a?' is not a number, and the task is regression")
        #expect(
            await train(table, ["task": "regression", "model_type": "gradient_boosting"])
                == "reg.csv: row 4 (id r2): label 'n/a?' is not a number, and the task is regression")
        // The same in a test table, for a regression model.
        let good = try write("reg-train.csv", "id,label,x0\nr0,1.5,1\nr1,2.5,2\nr2,3.5,3\nr3,4.5,4\n")
        let model = try await TrainStep().run(
            try context("train", ["features": .string(good), "model_type": "linear", "task": "regression"]))
        let evaluated = await failure {
            try await EvaluateStep().run(try context("evaluate", ["model": model.outputs["model"]!, "features": .string(table)]))
        }
        #expect(evaluated == "reg.csv: row 4 (id r2): label 'n/a?' is not a number, and the model is a regression")
    }

    @Test func aNonNumericFeatureNamesRowAndColumn() async throws {
        let table = try write("feature.csv", "id,label,x0,x1\nr0,pass,1,2\nr1,fail,2,two\n")
        #expect(await train(table) == "feature.csv: row 3, column 'x1': 'two' is not a number")
    }

    @Test(arguments: ["random_forest", "logistic", "gradient_boosting"])
    func aSingleClassIsRefused(_ modelType: String) async throws {
        let table = try write("one-class-\(modelType).csv", "id,label,x0\nr0,pass,1\nr1,pass,2\nr2,pass,3\n")
        #expect(
            await train(table, ["model_type": .string(modelType)])
                == "one-class-\(modelType).csv: only one class ('pass') in the training labels: a classifier needs at least two")
    }

    @Test func aMissingLabelNamesRowAndId() async throws {
        let table = try write("unlabelled.csv", "id,label,x0\nr0,pass,1\nr1,,2\nr2,fail,3\n")
        #expect(await train(table) == "unlabelled.csv: row 3 (id r1): missing label")
    }

    /// fail for x0 < 0, pass for x0 > 0, far apart: every model gets every known row right.
    static let separable =
        "id,label,x0\n" + (1...20).map { "f\($0),fail,\(-5 - Double($0) / 10)\np\($0),pass,\(5 + Double($0) / 10)\n" }.joined()

    @Test func testLabelsNeverSeenInTrainingCountAsErrors() async throws {
        let trained = try await TrainStep().run(
            try context(
                "train",
                [
                    "features": .string(try write("train.csv", Self.separable)),
                    "model_type": "logistic",
                ]))
        // 4 fail, 4 pass, and 2 rows of a class the model never saw, which it calls pass.
        let test = try write(
            "test.csv",
            "id,label,x0\nt1,fail,-6\nt2,fail,-5.5\nt3,fail,-7\nt4,fail,-6.5\n"
                + "t5,pass,6\nt6,pass,5.5\nt7,pass,7\nt8,pass,6.5\nu1,unknown,6\nu2,unknown,5.8\n")
        let logged = LogLines()
        let result = try await EvaluateStep().run(
            try context(
                "evaluate", ["model": trained.outputs["model"]!, "features": .string(test)],
                log: logged.logger))
        #expect(logged.lines.contains("warning: test labels never seen in training: unknown — those rows count as errors"))
        let m = result.metrics
        #expect(m["accuracy"] == 0.8)
        // Still a binary model's metrics, on its positive class "fail": all 4 found, none wrong.
        #expect(m["precision"] == 1 && m["recall"] == 1 && m["f1"] == 1)
        #expect(m["precision_macro"] == nil)
        // Recall 1 for fail and pass, 0 for unknown.
        #expect(m["balanced_accuracy"] == 2.0 / 3)
        // P(fail) ranks every fail row above every other row.
        #expect(m["roc_auc"] == 1)
        // The unknown rows: probability 0 for their class, clipped to machine epsilon.
        let model = try TrainedModel.load(from: URL(fileURLWithPath: trained.outputs["model"]!.stringValue!))
        let table = try FeatureTable.read(from: dir.appendingPathComponent(test))
        let probabilities = try #require(try model.predict(table).probabilities)
        let clipped = { (p: Double) in min(max(p, Double.ulpOfOne), 1 - Double.ulpOfOne) }
        let known = (0..<8).map { r in -log(clipped(probabilities[r][model.classes.firstIndex(of: table.labels[r])!])) }.reduce(0, +)
        let expected = (known - 2 * log(Double.ulpOfOne)) / 10
        #expect(abs(m["log_loss"]! - expected) < 1e-12, "\(m["log_loss"]!) vs \(expected)")
        let report =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: result.outputs["metrics"]!.stringValue!)))
            as! [String: Any]
        #expect(report["classes"] as? [String] == ["fail", "pass", "unknown"])
        #expect(report["confusion_matrix"] as? [[Int]] == [[4, 0, 0], [0, 4, 0], [0, 2, 0]])
        let predictions = try String(contentsOf: URL(fileURLWithPath: result.outputs["predictions"]!.stringValue!), encoding: .utf8)
        #expect(predictions.split(separator: "\n").first == "id,actual,predicted,p_fail,p_pass")
        #expect(predictions.contains("\nu1,unknown,pass,"))
    }

    // MARK: empty files

    @Test func emptyAndHeaderOnlyExamFilesNameTheFile() async throws {
        #expect(await preprocess(try write("empty.csv", "")) == "empty.csv: the file is empty")
        #expect(
            await preprocess(try write("header.csv", "exam_id,timestamp,x,label\n")) == "header.csv: the file has a header but no data rows"
        )
        #expect(await preprocess("absent.csv") == "with.input: absent.csv: no such file")
    }

    @Test func emptyAndHeaderOnlyFeatureTablesNameTheFile() async throws {
        #expect(await train(try write("empty-features.csv", "")) == "empty-features.csv: the file is empty")
        let header = try write("header-features.csv", "id,label,x0\n")
        #expect(await train(header) == "header-features.csv: training needs at least 2 rows, got 0")
        #expect(await train("absent.csv") == "with.features: absent.csv: no such file")
        let model = try await TrainStep().run(try context("train", ["features": .string(try write("ok.csv", Self.separable))]))
        let evaluated = await failure {
            try await EvaluateStep().run(try context("evaluate", ["model": model.outputs["model"]!, "features": .string(header)]))
        }
        #expect(evaluated == "with.features: header-features.csv: the test table has no rows")
        #expect(await train(try write("no-id.csv", "label,x0\npass,1\n")) == "no-id.csv: row 1: expected header `id,label,…`")
        #expect(
            await train(try write("ragged.csv", "id,label,x0\nr0,pass,1\nr1,fail\n"))
                == "ragged.csv: row 3: expected 3 cells like the header, found 2")
    }
}
