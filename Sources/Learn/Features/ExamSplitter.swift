/// Splits samples (exams) into train and test: never one exam on both sides.
public enum ExamSplitter {
    /// - Returns: row indices of train and test. `exam`: seeded shuffle, stratified by label when the
    ///   labels look like classes; `time`: the latest `testFraction` of exams (by start time) are the test set.
    public static func split(labels: [String], starts: [Double], mode: Preprocessor.SplitMode, testFraction: Double, seed: UInt64) -> ([Int], [Int]) {
        let n = labels.count
        let fraction = min(max(testFraction, 0), 0.9)
        switch mode {
        case .time:
            let order = (0..<n).sorted { (starts[$0], $0) < (starts[$1], $1) }
            let testCount = max(1, Int((Double(n) * fraction).rounded()))
            return (Array(order.dropLast(testCount)).sorted(), Array(order.suffix(testCount)).sorted())
        case .exam:
            var rng = SplitMix64(seed: seed)
            let strata: [String: [Int]] = ModelTrainer.inferTask(labels) == .classification
                ? Dictionary(grouping: 0..<n, by: { labels[$0] }) : ["all": Array(0..<n)]
            var train: [Int] = [], test: [Int] = []
            for key in strata.keys.sorted() {
                var rows = strata[key]!
                rows.shuffle(using: &rng)
                let testCount = rows.count > 1 ? max(1, Int((Double(rows.count) * fraction).rounded())) : 0
                test += rows.prefix(testCount)
                train += rows.dropFirst(testCount)
            }
            return (train.sorted(), test.sorted())
        }
    }
}
