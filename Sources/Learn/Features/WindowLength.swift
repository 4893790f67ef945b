/// A rolling window's length (or stride): a number of samples, or a share of each exam's length.
public enum WindowLength: Sendable, Equatable, CustomStringConvertible {
    case samples(Int)
    /// In (0, 1): `0.25` is a quarter of each exam.
    case fraction(Double)

    /// Whole numbers ≥ 1 are samples, numbers in (0, 1) fractions; nil for anything else.
    public init?(_ value: Double) {
        if value > 0 && value < 1 {
            self = .fraction(value)
        } else if value >= 1, value.rounded() == value, value < 1e9 {
            self = .samples(Int(value))
        } else {
            return nil
        }
    }

    /// The length in samples for an exam of `count` samples: never more than the exam, at least `least`.
    func samples(in count: Int, least: Int) -> Int {
        let wanted =
            switch self {
            case .samples(let n): n
            case .fraction(let f): Int((f * Double(count)).rounded())
            }
        return max(least, min(wanted, count))
    }

    /// Whether an exam of `count` samples is shorter than the window asks.
    func clips(_ count: Int) -> Bool {
        if case .samples(let n) = self { n > count } else { false }
    }

    public var description: String {
        switch self {
        case .samples(let n): "\(n) samples"
        case .fraction(let f): "\(f) of each exam"
        }
    }
}
