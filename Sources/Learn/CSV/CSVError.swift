/// A CSV problem, naming the file and the row (1-based, counting the header as row 1) and column.
public enum CSVError: Error, CustomStringConvertible, Equatable {
    case empty(file: String)
    case headerOnly(file: String)
    case binary(file: String, row: Int)
    case invalidUTF8(file: String, row: Int, column: String)
    case ragged(file: String, row: Int, expected: Int, found: Int)
    case unterminatedQuote(file: String, row: Int)
    case missingColumn(file: String, name: String, role: String, suggestion: String?, available: [String])
    case badTimestamp(file: String, row: Int, column: String, text: String)
    /// A split column's cell that is neither `train` nor `test`.
    case badSplitValue(file: String, row: Int, column: String, text: String)
    /// An exam placed on one side by an earlier row and on the other by this one.
    case conflictingSplit(file: String, row: Int, column: String, exam: String, side: String, earlierRow: Int)

    /// The same error with its row moved down by `offset` (a chunk's row 1 is the file's row `offset + 1`).
    public func shiftingRows(by offset: Int) -> CSVError {
        switch self {
        case .binary(let f, let row): .binary(file: f, row: row + offset)
        case .invalidUTF8(let f, let row, let column): .invalidUTF8(file: f, row: row + offset, column: column)
        case .ragged(let f, let row, let expected, let found): .ragged(file: f, row: row + offset, expected: expected, found: found)
        case .unterminatedQuote(let f, let row): .unterminatedQuote(file: f, row: row + offset)
        case .badTimestamp(let f, let row, let column, let text): .badTimestamp(file: f, row: row + offset, column: column, text: text)
        case .badSplitValue(let f, let row, let column, let text): .badSplitValue(file: f, row: row + offset, column: column, text: text)
        case .conflictingSplit(let f, let row, let column, let exam, let side, let earlier):
            .conflictingSplit(file: f, row: row + offset, column: column, exam: exam, side: side, earlierRow: earlier + offset)
        case .empty, .headerOnly, .missingColumn: self
        }
    }

    public var description: String {
        switch self {
        case .empty(let f): "\(f): the file is empty"
        case .headerOnly(let f): "\(f): the file has a header but no data rows"
        case .binary(let f, let row): "\(f): row \(row): binary data (a NUL byte), not CSV text"
        case .invalidUTF8(let f, let row, let column): "\(f): row \(row), column '\(column)': invalid UTF-8"
        case .ragged(let f, let row, let expected, let found):
            "\(f): row \(row): expected \(expected) cells like the header, found \(found)"
        case .unterminatedQuote(let f, let row): "\(f): row \(row): a quoted cell is never closed"
        case .missingColumn(let f, let name, let role, let suggestion, let available):
            "\(f): no \(role) column '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
                + " (columns: \(available.joined(separator: ", ")))"
        case .badTimestamp(let f, let row, let column, let text):
            "\(f): row \(row), column '\(column)': '\(text)' is not a timestamp (ISO 8601 or epoch seconds/milliseconds)"
        case .badSplitValue(let f, let row, let column, let text):
            "\(f): row \(row), column '\(column)': '\(text)' is neither train nor test (any case; empty cells are ignored)"
        case .conflictingSplit(let f, let row, let column, let exam, let side, let earlier):
            "\(f): row \(row), column '\(column)': '\(side)' for exam '\(exam)', which row \(earlier) put on the other side: an exam is either train or test"
        }
    }
}
