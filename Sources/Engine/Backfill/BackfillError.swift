/// Why a backfill or a group action was refused.
public enum BackfillError: Error, CustomStringConvertible, Equatable {
    case noDatasetsMatch(String)
    case groupNotFound(String)
    case groupCanceled(String)
    case badMaxParallel(Int)

    public var description: String {
        switch self {
        case .noDatasetsMatch(let selection): "no registered dataset matches (\(selection)); `flowrun datasets list` shows them"
        case .groupNotFound(let id): "group '\(id)' not found"
        case .groupCanceled(let id): "group '\(id)' was canceled: it cannot be paused or resumed"
        case .badMaxParallel(let n): "max_parallel: expected an integer ≥ 1, got \(n)"
        }
    }
}
