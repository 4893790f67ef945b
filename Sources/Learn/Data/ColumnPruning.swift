/// Feature columns that cannot help a model: constant over the train rows, or equal, row for row,
/// to an earlier column (a window as long as the exam makes window statistics copies of the
/// exam's mean and standard deviation). Decided on the train rows alone and applied to both tables.
struct ColumnPruning {
    /// Constant columns, in order.
    var constant: [Int] = []
    /// Column → the earlier column it repeats.
    var duplicates: [Int: Int] = [:]
    /// Column → why it goes.
    var reason: [Int: String] = [:]

    var isEmpty: Bool { reason.isEmpty }

    /// Values compare by bit pattern (all NaNs alike): a column with a missing cell where another
    /// has a number differs from it.
    static func find(in table: FeatureTable) -> ColumnPruning {
        var result = ColumnPruning()
        let (n, p) = (table.rowCount, table.columnCount)
        guard n > 0 else { return result }
        var firstOfContent: [ColumnKey: Int] = [:]
        table.values.withUnsafeBufferPointer { v in
            for c in 0..<p {
                var column = [UInt64](repeating: 0, count: n)
                for r in 0..<n {
                    let x = v[r * p + c]
                    column[r] = x.isNaN ? Double.nan.bitPattern : (x == 0 ? 0 : x.bitPattern)
                }
                if column.allSatisfy({ $0 == column[0] }) {
                    result.constant.append(c)
                    result.reason[c] = "constant"
                } else if let earlier = firstOfContent[ColumnKey(bits: column)] {
                    result.duplicates[c] = earlier
                    result.reason[c] = "duplicate"
                } else {
                    firstOfContent[ColumnKey(bits: column)] = c
                }
            }
        }
        return result
    }

    func names(_ featureNames: [String]) -> (constant: [String], duplicates: [String: String]) {
        (
            constant.map { featureNames[$0] },
            Dictionary(uniqueKeysWithValues: duplicates.map { (featureNames[$0.key], featureNames[$0.value]) })
        )
    }

    /// One sentence for the log.
    func summary(_ featureNames: [String]) -> String {
        var parts: [String] = []
        if !constant.isEmpty {
            parts.append(
                "\(constant.count) constant over the train exams (\(constant.prefix(3).map { featureNames[$0] }.joined(separator: ", "))\(constant.count > 3 ? ", …" : ""))"
            )
        }
        if !duplicates.isEmpty {
            let examples = duplicates.keys.sorted().prefix(3).map { "\(featureNames[$0]) = \(featureNames[duplicates[$0]!])" }
            parts.append(
                "\(duplicates.count) equal to an earlier column (\(examples.joined(separator: ", "))\(duplicates.count > 3 ? ", …" : ""))")
        }
        return "dropped \(reason.count) of \(featureNames.count) feature columns before training: " + parts.joined(separator: "; ")
    }
}

/// A column's values as bits, hashable: equal keys are equal columns.
private struct ColumnKey: Hashable {
    var bits: [UInt64]
}
