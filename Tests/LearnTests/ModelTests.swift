import Foundation
import Testing

@testable import Learn

@Suite struct ModelTests {
    /// y = 3 x0 - 2 x1 + 1 + small noise; classes by the sign of x0 + x1.
    static func table(rows n: Int = 200, seed: UInt64 = 1) -> FeatureTable {
        var rng = SplitMix64(seed: seed)
        var values: [Double] = [], labels: [String] = [], targets: [String] = []
        for _ in 0..<n {
            let x0 = rng.normal(), x1 = rng.normal()
            values += [x0, x1]
            labels.append(x0 + x1 + 0.3 * rng.normal() > 0 ? "pass" : "fail")
            targets.append(String(3 * x0 - 2 * x1 + 1 + 0.01 * rng.normal()))
        }
        _ = targets
        return FeatureTable(ids: (0..<n).map(String.init), labels: labels, featureNames: ["x0", "x1"], values: values)
    }

    @Test func ridgeRecoversCoefficients() throws {
        var t = Self.table()
        var rng = SplitMix64(seed: 9)
        t.labels = (0..<t.rowCount).map { String(3 * t[$0, 0] - 2 * t[$0, 1] + 1 + 0.01 * rng.normal()) }
        var config = ModelConfig(type: .linear)
        config.alpha = 1e-6
        let model = try ModelTrainer.train(t, config: config)
        #expect(model.task == .regression)
        // Coefficients are on standardized features: divide by the scale to compare.
        let raw = zip(model.coefficients[0], model.featureScales).map { $0 / $1 }
        #expect(abs(raw[0] - 3) < 0.01 && abs(raw[1] + 2) < 0.01)
        let r2 = RegressionMetrics.compute(actual: t.labels.compactMap(Double.init), predicted: try model.predict(t).values!)["r2"]!
        #expect(r2 > 0.999)
    }

    @Test(arguments: [ModelType.logistic, .randomForest, .gradientBoosting])
    func classifiersLearnAndRoundTrip(_ type: ModelType) throws {
        let train = Self.table(rows: 400, seed: 1), test = Self.table(rows: 200, seed: 2)
        let model = try ModelTrainer.train(train, config: ModelConfig(type: type))
        #expect(model.classes == ["fail", "pass"])
        let predictions = try model.predict(test)
        let accuracy = Double(zip(predictions.labels, test.labels).filter { $0 == $1 }.count) / Double(test.rowCount)
        #expect(accuracy > 0.85, "\(type) accuracy \(accuracy)")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString).json")
        try model.save(to: url)
        let loaded = try TrainedModel.load(from: url)
        #expect(try loaded.predict(test).labels == predictions.labels)
    }

    @Test func versionOneFilesWithXGBoostsJSONStillLoad() throws {
        let train = Self.table(rows: 300, seed: 1), test = Self.table(rows: 100, seed: 2)
        var model = try ModelTrainer.train(train, config: ModelConfig(type: .randomForest))
        let expected = try model.predict(test).labels
        let booster = try XGBoostBooster()
        try booster.load(model: try #require(model.xgboostUbj))
        (model.version, model.xgboostModel, model.xgboostUbj, model.fitted) = (1, try booster.modelJSON(), nil, nil)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-v1-\(UUID().uuidString).json")
        try model.save(to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("\"version\":1") && text.contains("\"xgboost_model\":"))
        #expect(try TrainedModel.load(from: url).predict(test).labels == expected)
    }

    @Test func regressionPredictionsStayWithinTheTrainingTargets() throws {
        var t = Self.table(rows: 200)
        t.labels = (0..<t.rowCount).map { String(3 * t[$0, 0] - 2 * t[$0, 1] + 1) }
        let targets = t.labels.compactMap(Double.init)
        let far = FeatureTable(
            ids: ["near", "far", "below"], labels: ["", "", ""], featureNames: ["x0", "x1"],
            values: [0.1, 0.2, 40, -40, -40, 40])
        for type in [ModelType.linear, .randomForest] {
            var config = ModelConfig(type: type)
            config.task = .regression
            let model = try ModelTrainer.train(t, config: config)
            #expect(model.targetRange == [targets.min()!, targets.max()!])
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString).json")
            try model.save(to: url)
            for m in [model, try TrainedModel.load(from: url)] {
                let p = try m.predict(far)
                #expect(p.values!.allSatisfy { $0 >= targets.min()! && $0 <= targets.max()! }, "\(type): \(p.values!)")
                if type == .linear {
                    // Ridge extrapolates: the two far rows are clipped to the ends of the range.
                    #expect(p.values![1] == targets.max()! && p.values![2] == targets.min()! && p.clipped == 2)
                }
            }
        }
    }

    @Test func singleClassIsRefused() {
        var t = Self.table(rows: 20)
        t.labels = Array(repeating: "pass", count: 20)
        #expect(throws: LearnError.self) { try ModelTrainer.train(t, config: ModelConfig(type: .randomForest)) }
    }

    @Test func xgboostErrorsComeBackWithTheLibraryMessage() throws {
        let booster = try XGBoostBooster()
        #expect(throws: LibraryError.self) { try booster.load(model: Data("{not json".utf8)) }
    }

    @Test func inferredTask() {
        #expect(ModelTrainer.inferTask(["pass", "fail"]) == .classification)
        #expect(ModelTrainer.inferTask(["0", "1", "2"]) == .classification)
        // Integer ids stay classes however many there are; one fraction makes a regression.
        #expect(ModelTrainer.inferTask((1...11).map(String.init)) == .classification)
        #expect(ModelTrainer.inferTask((1...500).map(String.init)) == .classification)
        #expect(ModelTrainer.inferTask(["1", "2", "2.5"]) == .regression)
        #expect(ModelTrainer.inferTask(["0.5", "1.25", "2.75"]) == .regression)
        #expect(ModelTrainer.inferTask(["1", "2", "x"]) == .classification)
    }

    @Test func elevenIntegerClassesAreClassesAndTheLogSaysWhy() throws {
        var t = Self.table(rows: 220)
        t.labels = (0..<t.rowCount).map { String($0 % 11 + 1) }
        var lines: [String] = []
        let model = try ModelTrainer.train(t, config: ModelConfig(type: .logistic)) { lines.append($0) }
        #expect(model.task == .classification && model.classes.count == 11)
        #expect(lines.first == "task: classification (task auto: 11 distinct labels, all integers: class ids; set task to override)")
        var config = ModelConfig(type: .linear)
        config.task = .regression
        let regression = try ModelTrainer.train(t, config: config) { lines.append($0) }
        #expect(regression.task == .regression && lines.last == "task: regression (set by task)")
    }

    @Test func logisticOnAContinuousTargetSaysHowToSetTheTask() throws {
        var t = Self.table(rows: 20)
        t.labels = (0..<20).map { String(Double($0) + 0.5) }
        #expect(
            throws: LearnError.badData(
                "model_type logistic needs a classification target, but the task is regression (task auto: labels are numbers with fractions); use model_type linear, random_forest or gradient_boosting, or, if the labels are classes, set task to classification (the exam pipeline's param task, or the train step's with.task)"
            )
        ) {
            try ModelTrainer.train(t, config: ModelConfig(type: .logistic))
        }
    }
}
