import Foundation
import Testing

@testable import Learn

/// A random forest's `min_samples_leaf` counts rows, for every objective: XGBoost's own record of
/// each leaf's hessian sum, divided by one row's hessian, is its number of rows.
@Suite struct ForestLeafTests {
    /// Rows in each leaf of every tree of a fitted forest, from XGBoost's JSON model.
    static func leafRows(_ model: TrainedModel) throws -> [Double] {
        let booster = try XGBoostBooster()
        try booster.load(model: try #require(model.xgboostUbj))
        let json = try booster.modelJSON()
        let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let learner = root["learner"] as! [String: Any]
        let trees = ((learner["gradient_booster"] as! [String: Any])["model"] as! [String: Any])["trees"] as! [[String: Any]]
        let h = ForestParameters.rowHessian(task: model.task, classes: model.classes.count)
        var rows: [Double] = []
        for tree in trees {
            let left = tree["left_children"] as! [Int], hessian = tree["sum_hessian"] as! [Double]
            for node in left.indices where left[node] == -1 { rows.append(hessian[node] / h) }
        }
        return rows
    }

    static func table(classes: Int?, rows n: Int = 600) -> FeatureTable {
        var rng = SplitMix64(seed: 5)
        var values: [Double] = [], labels: [String] = []
        for _ in 0..<n {
            let x = (0..<4).map { _ in rng.normal() }
            values += x
            let score = x[0] + 0.5 * x[1] * x[2] + 0.5 * rng.normal()
            if let classes {
                labels.append(String(min(classes - 1, max(0, Int((score + 2) / 4 * Double(classes))))))
            } else {
                labels.append(String(score + 0.001))
            }
        }
        return FeatureTable(ids: (0..<n).map(String.init), labels: labels, featureNames: ["a", "b", "c", "d"], values: values)
    }

    @Test(arguments: [(2, 1), (2, 5), (2, 20), (5, 1), (5, 5), (5, 20), (0, 1), (0, 5), (0, 20)])
    func leavesHoldAtLeastMinSamplesLeafRows(classes: Int, minSamplesLeaf: Int) throws {
        var config = ModelConfig(type: .randomForest)
        config.nEstimators = 10
        config.minSamplesLeaf = minSamplesLeaf
        if classes == 0 { config.task = .regression }
        let model = try ModelTrainer.train(Self.table(classes: classes == 0 ? nil : classes), config: config)
        let rows = try Self.leafRows(model)
        // Whole rows: the hessian sums are exact multiples of one row's hessian.
        #expect(rows.allSatisfy { abs($0 - $0.rounded()) < 1e-3 }, "\(rows.prefix(10))")
        let smallest = rows.min()!.rounded()
        #expect(smallest >= Double(minSamplesLeaf))
        // The bound is reached: trees grow down to leaves of exactly that many rows.
        #expect(smallest == Double(minSamplesLeaf), "smallest leaf \(smallest) rows with min_samples_leaf \(minSamplesLeaf)")
    }

    @Test func defaultsAreScikitLearns() throws {
        let model = try ModelTrainer.train(Self.table(classes: 2), config: ModelConfig(type: .randomForest))
        let h = model.hyperparameters
        #expect(h["num_parallel_tree"] == "100" && h["min_samples_leaf"] == "1")
        #expect(h["tree_method"] == "exact" && h["max_depth"] == "64", "no depth limit: \(h)")
        #expect(h["colsample_bynode"] == "0.5", "sqrt(4) of 4 features")
        #expect(abs(Double(h["subsample"]!)! - 0.6321) < 1e-4)
    }
}
