import Foundation

/// Per-channel summary features of one exam.
enum FeatureExtractor {
    static let perChannel = ["mean", "std", "min", "max", "last", "slope", "win_mean_max", "win_mean_min", "win_std_mean"]

    /// `<channel>_<feature>` for each channel, in the order ``features(_:window:step:)`` returns values.
    static func names(_ channelNames: [String]) -> [String] {
        channelNames.flatMap { channel in perChannel.map { "\(channel)_\($0)" } }
    }

    static func features(_ exam: ExamSeries, window: Int, step: Int) -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(exam.channels.count * perChannel.count)
        let t0 = exam.times.first ?? 0
        for x in exam.channels {
            values += x.withUnsafeBufferPointer { summary($0, times: exam.times, t0: t0, window: window, step: step) }
        }
        return values
    }

    private static func summary(_ x: UnsafeBufferPointer<Double>, times: [Double], t0: Double, window: Int, step: Int) -> [Double] {
        let n = x.count
        var sum = 0.0, minV = Double.infinity, maxV = -Double.infinity
        for v in x {
            sum += v
            if v < minV { minV = v }
            if v > maxV { maxV = v }
        }
        let mean = sum / Double(n)
        var sq = 0.0
        for v in x { sq += (v - mean) * (v - mean) }
        let std = n > 1 ? (sq / Double(n - 1)).squareRoot() : 0
        // Least-squares slope of value over time (per second).
        var st = 0.0, stt = 0.0, stx = 0.0
        for i in 0..<n {
            let t = times[i] - t0
            st += t
            stt += t * t
            stx += t * x[i]
        }
        let denominator = Double(n) * stt - st * st
        let slope = n > 1 && denominator > 0 ? (Double(n) * stx - st * sum) / denominator : 0
        // Rolling windows: the extremes of window means and the average window spread.
        let w = max(2, min(window, n)), s = max(1, step)
        var winMeanMax = -Double.infinity, winMeanMin = Double.infinity, winStdSum = 0.0, windows = 0
        var start = 0
        while start + w <= n {
            var ws = 0.0
            for i in start..<(start + w) { ws += x[i] }
            let wm = ws / Double(w)
            var wsq = 0.0
            for i in start..<(start + w) { wsq += (x[i] - wm) * (x[i] - wm) }
            winMeanMax = max(winMeanMax, wm)
            winMeanMin = min(winMeanMin, wm)
            winStdSum += (wsq / Double(w - 1)).squareRoot()
            windows += 1
            start += s
        }
        if windows == 0 { (winMeanMax, winMeanMin) = (mean, mean) }
        return [mean, std, minV, maxV, x[n - 1], slope, winMeanMax, winMeanMin, windows > 0 ? winStdSum / Double(windows) : std]
    }
}
