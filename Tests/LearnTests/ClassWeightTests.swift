import Foundation
import Testing

@testable import Learn

/// `class_weight: balanced`: a rare class weighs as much as a common one.
@Suite struct ClassWeightTests {
    /// One row in nine is "rare", found where x0 + noise is high.
    static func table(rows n: Int, seed: UInt64) -> FeatureTable {
        var rng = SplitMix64(seed: seed)
        var values: [Double] = [], labels: [String] = []
        for _ in 0..<n {
            let x0 = rng.normal(), x1 = rng.normal()
            values += [x0, x1]
            labels.append(x0 + 0.8 * rng.normal() > 1.6 ? "rare" : "common")
        }
        return FeatureTable(ids: (0..<n).map(String.init), labels: labels, featureNames: ["x0", "x1"], values: values)
    }

    @Test func weightsAreScikitLearnsBalanced() {
        #expect(ModelTrainer.balancedWeights([0, 0, 0, 1], classes: 2) == [4.0 / 6, 2])
    }

    @Test(arguments: [ModelType.logistic, .randomForest, .gradientBoosting])
    func balancedWeightsFindMoreOfTheRareClass(_ type: ModelType) throws {
        let train = Self.table(rows: 1800, seed: 1), test = Self.table(rows: 1800, seed: 2)
        func recall(_ balanced: Bool) throws -> Double {
            var config = ModelConfig(type: type)
            config.balancedClassWeights = balanced
            config.minSamplesLeaf = 5
            let predicted = try ModelTrainer.train(train, config: config).predict(test).labels
            let rare = test.labels.indices.filter { test.labels[$0] == "rare" }
            return Double(rare.filter { predicted[$0] == "rare" }.count) / Double(rare.count)
        }
        let plain = try recall(false), balanced = try recall(true)
        #expect(balanced > plain + 0.1, "\(type): rare-class recall \(plain) → \(balanced)")
    }
}
