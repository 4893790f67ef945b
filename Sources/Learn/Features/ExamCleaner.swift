import Foundation

/// Sorts an exam by time, removes repeated timestamps, fills gaps and clips outliers.
enum ExamCleaner {
    struct Outcome {
        var droppedMissing = 0
        /// Rows equal to an earlier row in time and every value: copies, dropped silently.
        var duplicateRows = 0
        /// Rows repeating an earlier timestamp with other values: the first is kept.
        var duplicateTimes = 0
    }

    static func clean(_ exam: inout ExamSeries, fill: Preprocessor.Fill, clip: Preprocessor.Clip) -> Outcome {
        var outcome = Outcome()
        // Sort by time (stable, so equal times keep file order), then keep the first of equal times:
        // exact copies sort next to each other, so duplicates need no hashing of every row.
        let order = exam.times.indices.sorted { (exam.times[$0], $0) < (exam.times[$1], $1) }
        var keep: [Int] = []
        keep.reserveCapacity(order.count)
        for i in order {
            if let last = keep.last, exam.times[last] == exam.times[i] {
                let same = exam.channels.allSatisfy { $0[last].bitPattern == $0[i].bitPattern }
                if same { outcome.duplicateRows += 1 } else { outcome.duplicateTimes += 1 }
                continue
            }
            keep.append(i)
        }
        exam.times = keep.map { exam.times[$0] }
        exam.channels = exam.channels.map { column in keep.map { column[$0] } }

        switch fill {
        case .drop:
            let rows = exam.times.indices.filter { r in exam.channels.allSatisfy { !$0[r].isNaN } }
            outcome.droppedMissing = exam.count - rows.count
            exam.times = rows.map { exam.times[$0] }
            exam.channels = exam.channels.map { column in rows.map { column[$0] } }
        case .ffill:
            for k in exam.channels.indices {
                var last = exam.channels[k].first { !$0.isNaN } ?? 0
                for r in exam.channels[k].indices {
                    if exam.channels[k][r].isNaN { exam.channels[k][r] = last } else { last = exam.channels[k][r] }
                }
            }
        case .interpolate:
            for k in exam.channels.indices { interpolate(&exam.channels[k], times: exam.times) }
        }
        if clip != .none {
            for k in exam.channels.indices { clipOutliers(&exam.channels[k], method: clip) }
        }
        return outcome
    }

    /// Linear in time between known neighbours; the nearest known value at the edges.
    static func interpolate(_ values: inout [Double], times: [Double]) {
        let known = values.indices.filter { !values[$0].isNaN }
        guard let first = known.first, let last = known.last else {
            for i in values.indices { values[i] = 0 }
            return
        }
        for i in 0..<first { values[i] = values[first] }
        for i in (last + 1)..<values.count { values[i] = values[last] }
        guard first < last else { return }
        var previous = first
        for i in (first + 1)...last where !values[i].isNaN {
            if i - previous > 1 {
                let (t0, t1, v0, v1) = (times[previous], times[i], values[previous], values[i])
                for j in (previous + 1)..<i {
                    let f = t1 > t0 ? (times[j] - t0) / (t1 - t0) : 0.5
                    values[j] = v0 + (v1 - v0) * f
                }
            }
            previous = i
        }
    }

    static func clipOutliers(_ values: inout [Double], method: Preprocessor.Clip) {
        let sorted = values.filter { !$0.isNaN }.sorted()
        guard sorted.count >= 4 else { return }
        func quantile(_ q: Double) -> Double {
            let pos = q * Double(sorted.count - 1)
            let lo = Int(pos), hi = min(lo + 1, sorted.count - 1)
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - Double(lo))
        }
        let lower: Double, upper: Double
        switch method {
        case .iqr:
            let q1 = quantile(0.25), q3 = quantile(0.75)
            (lower, upper) = (q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1))
        case .zscore:
            // Robust z-score: median and MAD (scaled to σ for normal data), cut at 3.5.
            let median = quantile(0.5)
            let deviations = sorted.map { abs($0 - median) }.sorted()
            let mad = deviations[deviations.count / 2] * 1.4826
            guard mad > 0 else { return }
            (lower, upper) = (median - 3.5 * mad, median + 3.5 * mad)
        case .none:
            return
        }
        for i in values.indices where !values[i].isNaN { values[i] = min(max(values[i], lower), upper) }
    }
}
