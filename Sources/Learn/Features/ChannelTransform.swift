import Foundation

/// What a channel's values become before its features are computed.
public enum ChannelTransform: String, Sendable, CaseIterable {
    case none
    /// `log(1 + x)`: count-like channels (a long right tail) on a scale where one far exam does
    /// not dominate (raw counts once sent ridge to R² −23 on a test exam far outside the training range).
    case log1p
}

/// `preprocess`'s `transform:` — none, one transform per named channel, or chosen from the data.
public enum TransformChoice: Sendable, Equatable {
    case none
    /// Channels not named keep their values.
    case channels([String: ChannelTransform])
    /// The same transform for every channel.
    case every(ChannelTransform)
    /// log1p for every channel that ``AutoTransform/rule`` calls count-like.
    case auto
}

/// `transform: auto`: a channel is count-like when all of its values are whole numbers ≥ 0, it
/// reaches 2 or more (not a 0/1 flag), and it is skewed to the right (sample skewness ≥ 1, the
/// long tail counts have); those channels get log1p. Decided over every value of the file.
public enum AutoTransform {
    public static let minimumSkewness = 1.0

    public static func choose(_ m: ChannelMoments) -> (transform: ChannelTransform, reason: String) {
        guard m.count > 0 else { return (.none, "no values") }
        if m.minimum < 0 { return (.none, "negative values (least \(m.minimum))") }
        if !m.integral { return (.none, "not whole numbers") }
        if m.maximum < 2 { return (.none, "a 0/1 flag") }
        let skew = m.skewness
        let described = "whole numbers \(Int(m.minimum))–\(Int(m.maximum)), skewness \(String(format: "%.2f", skew))"
        return skew >= minimumSkewness ? (.log1p, described) : (.none, described)
    }
}

/// A channel's values summarised as they are read (count, range, whole numbers, the first three
/// moments), for `transform: auto`, and its first negative value for `transform: log1p`.
/// Sums are of `x − shift` (the first value) so that large counts do not cancel in the cubes.
public struct ChannelMoments: Sendable {
    public private(set) var count = 0
    public private(set) var minimum = Double.infinity
    public private(set) var maximum = -Double.infinity
    public private(set) var integral = true
    /// The first negative value and its row (chunk-counted until merged into a file's totals).
    public private(set) var firstNegative: (row: Int, value: Double)?
    private var shift = 0.0
    private var s1 = 0.0, s2 = 0.0, s3 = 0.0

    public init() {}

    mutating func add(_ v: Double, row: Int) {
        guard v.isFinite else { return }
        if count == 0 { shift = v }
        count += 1
        let d = v - shift
        s1 += d
        s2 += d * d
        s3 += d * d * d
        if v < minimum { minimum = v }
        if v > maximum { maximum = v }
        if integral && v.rounded() != v { integral = false }
        if v < 0 && firstNegative == nil { firstNegative = (row, v) }
    }

    /// Adds the totals of a later chunk, whose rows follow `rowsBefore` rows of the file.
    mutating func merge(_ other: ChannelMoments, rowsBefore: Int) {
        guard other.count > 0 else { return }
        if firstNegative == nil, let negative = other.firstNegative { firstNegative = (negative.row + rowsBefore, negative.value) }
        guard count > 0 else {
            let negative = firstNegative
            self = other
            firstNegative = negative
            return
        }
        // Move the other's sums to this shift: x − a = (x − b) + d.
        let d = other.shift - shift, n = Double(other.count)
        s1 += other.s1 + n * d
        s2 += other.s2 + 2 * d * other.s1 + n * d * d
        s3 += other.s3 + 3 * d * other.s2 + 3 * d * d * other.s1 + n * d * d * d
        count += other.count
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        integral = integral && other.integral
    }

    /// The sample skewness (Fisher–Pearson, biased: m₃ / m₂^1.5); 0 for a constant channel.
    public var skewness: Double {
        guard count > 0 else { return 0 }
        let n = Double(count)
        let mean = s1 / n
        let m2 = s2 / n - mean * mean
        let m3 = s3 / n - 3 * mean * s2 / n + 2 * mean * mean * mean
        return m2 > 1e-12 * max(1, abs(s2 / n)) ? m3 / pow(m2, 1.5) : 0
    }
}
