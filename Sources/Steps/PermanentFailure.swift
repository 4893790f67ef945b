import FlowSpec
import Learn

/// A failure that another attempt would meet again: the input or the parameters are wrong, and
/// only a person can fix them. The engine fails such a step at once, whatever its `retries:`,
/// and says so in the step's error.
///
/// Transient failures — an I/O error, a killed or timed-out process, a command's non-zero exit —
/// are not permanent: they are retried as the workflow says. A step of your own throws
/// ``StepError/invalidInput(_:)`` (or any error conforming here) for input a retry cannot fix.
public protocol PermanentFailure: Error {
    /// False for the cases of a type that another attempt might get past.
    var isPermanent: Bool { get }
}

extension PermanentFailure {
    public var isPermanent: Bool { true }
}

extension StepError: PermanentFailure {
    public var isPermanent: Bool {
        switch self {
        case .missingParameter, .badParameter, .invalidInput: true
        case .failed: false
        }
    }
}

/// Malformed CSV: empty, binary, ragged, invalid UTF-8, a missing column, a bad timestamp.
extension CSVError: PermanentFailure {}

/// A bad feature table: not a number, a wrong header.
extension FeatureTable.FileError: PermanentFailure {}

extension LearnError: PermanentFailure {
    public var isPermanent: Bool {
        if case .readFailed = self { false } else { true }
    }
}

/// A `${{ }}` that cannot be resolved (a missing output, a value that cannot be quoted for the shell).
extension ExpressionError: PermanentFailure {}
