import Foundation
import Testing

@testable import Learn

/// Gradient boosting stops early only on a validation split large enough to mean something.
@Suite struct EarlyStoppingTests {
    @Test func aFourRowValidationSplitTurnsEarlyStoppingOff() throws {
        // 40 rows × validation_fraction 0.1 = 4 validation rows: boosting runs every round.
        let table = ModelTests.table(rows: 40, seed: 4)
        var config = ModelConfig(type: .gradientBoosting)
        config.maxIter = 25
        var lines: [String] = []
        let model = try ModelTrainer.train(table, config: config, log: { lines.append($0) })
        #expect(model.hyperparameters["rounds"] == "25")
        #expect(model.hyperparameters["early_stopping"] == "off: the validation split would have 4 rows, fewer than 20")
        #expect(lines.contains("no early stopping: the validation split would have 4 rows, fewer than 20; all 40 rows train for 25 rounds"))
    }

    @Test func aValidationSplitMissingAClassTurnsEarlyStoppingOff() throws {
        // 400 rows, 3 of them "rare": 40 validation rows hold at most a few, and with this seed none.
        var table = ModelTests.table(rows: 400, seed: 5)
        table.labels = table.labels.indices.map { [7, 150, 333].contains($0) ? "rare" : table.labels[$0] }
        var config = ModelConfig(type: .gradientBoosting)
        config.maxIter = 5
        let validation = Set(Self.validationRows(rows: 400, config: config))
        try #require([7, 150, 333].allSatisfy { !validation.contains($0) }, "the seed puts no rare row in the validation split")
        let model = try ModelTrainer.train(table, config: config)
        #expect(model.hyperparameters["early_stopping"] == "off: the validation split of 40 rows would miss 1 of the 3 classes")
    }

    @Test func aLargeEnoughSplitStopsEarly() throws {
        // Labels that are noise: the validation loss stops improving after a few rounds.
        var table = ModelTests.table(rows: 400, seed: 6)
        var rng = SplitMix64(seed: 11)
        table.labels = table.labels.map { _ in rng.next() % 2 == 0 ? "a" : "b" }
        var config = ModelConfig(type: .gradientBoosting)
        config.maxIter = 200
        let model = try ModelTrainer.train(table, config: config)
        #expect(model.hyperparameters["early_stopping"] == "on: 40 validation rows")
        #expect(Int(model.hyperparameters["rounds"]!)! < 200)
    }

    /// The rows TreeEnsemble holds out, drawn as it draws them.
    static func validationRows(rows n: Int, config: ModelConfig) -> [Int] {
        var rng = SplitMix64(seed: config.seed)
        var rows = Array(0..<n)
        rows.shuffle(using: &rng)
        return Array(rows.prefix(max(1, Int(Double(n) * config.validationFraction))))
    }
}
