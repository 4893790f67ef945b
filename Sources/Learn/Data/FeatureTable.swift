import Foundation

/// Per-sample features (one row per exam, or per window of a long series) with their labels:
/// what `preprocess` writes and `train`/`evaluate` read.
///
/// Values are row-major, `rowCount × featureNames.count`, missing as NaN. Stored on disk as a
/// CSV with header `id,label,<features…>` so people (and pandas) can open it.
public struct FeatureTable: Sendable, Equatable {
    /// The group (exam id) or window id of each row.
    public var ids: [String]
    /// The raw label text of each row ("" when unlabelled).
    public var labels: [String]
    public var featureNames: [String]
    /// Row-major values.
    public var values: [Double]

    public init(ids: [String], labels: [String], featureNames: [String], values: [Double]) {
        precondition(
            ids.count == labels.count && values.count == ids.count * featureNames.count,
            "FeatureTable dimensions disagree")
        self.ids = ids
        self.labels = labels
        self.featureNames = featureNames
        self.values = values
    }

    public var rowCount: Int { ids.count }
    public var columnCount: Int { featureNames.count }

    public subscript(row: Int, column: Int) -> Double {
        values[row * featureNames.count + column]
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> FeatureTable {
        let p = columnCount
        var out = [Double]()
        out.reserveCapacity(indices.count * p)
        for i in indices { out.append(contentsOf: values[(i * p)..<((i + 1) * p)]) }
        return FeatureTable(
            ids: indices.map { ids[$0] }, labels: indices.map { labels[$0] },
            featureNames: featureNames, values: out)
    }

    /// The columns at `indices`, in that order.
    public func columns(_ indices: [Int]) -> FeatureTable {
        let p = columnCount
        var out = [Double]()
        out.reserveCapacity(rowCount * indices.count)
        values.withUnsafeBufferPointer { v in
            for r in 0..<rowCount { for c in indices { out.append(v[r * p + c]) } }
        }
        return FeatureTable(ids: ids, labels: labels, featureNames: indices.map { featureNames[$0] }, values: out)
    }
}

extension FeatureTable {
    public enum FileError: Error, CustomStringConvertible {
        /// Rows are numbered as in ``CSVError``: the header is row 1.
        case malformed(file: String, line: Int, message: String)
        case notANumber(file: String, row: Int, column: String, text: String)

        public var description: String {
            switch self {
            case .malformed(let file, let line, let message): "\(file): row \(line): \(message)"
            case .notANumber(let file, let row, let column, let text): "\(file): row \(row), column '\(column)': '\(text)' is not a number"
            }
        }
    }

    /// Writes the table as CSV (`id,label,<features…>`; NaN as an empty cell).
    public func write(to url: URL) throws {
        var text = "id,label," + featureNames.map(Self.escape).joined(separator: ",") + "\n"
        let p = columnCount
        for r in 0..<rowCount {
            text += Self.escape(ids[r]) + "," + Self.escape(labels[r])
            for c in 0..<p {
                let v = values[r * p + c]
                text += v.isNaN ? "," : "," + String(v)
            }
            text += "\n"
        }
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// Reads a table written by ``write(to:)`` with ``CSVReader``, so a bad file fails as an exam CSV
    /// does, naming the file (`displayName`, else the path), the row (the header is row 1) and the
    /// column: invalid UTF-8 in an id or label, a NUL byte, a ragged row, an empty file. A header
    /// with no rows is an empty table (the steps say what they need).
    public static func read(from url: URL, displayName: String? = nil) throws -> FeatureTable {
        let reader = try CSVReader(url: url, delimiter: UInt8(ascii: ","), displayName: displayName)
        let file = reader.file
        let names = reader.header
        guard names.count >= 2, names[0] == "id", names[1] == "label" else {
            throw FileError.malformed(file: file, line: 1, message: "expected header `id,label,…`")
        }
        let p = names.count - 2
        var ids = [String](), labels = [String](), values = [Double]()
        do {
            try reader.forEachRecord { record, row in
                guard let id = record.string(0) else { throw CSVError.invalidUTF8(file: file, row: row, column: "id") }
                guard let label = record.string(1) else { throw CSVError.invalidUTF8(file: file, row: row, column: "label") }
                ids.append(id)
                labels.append(label)
                for c in 0..<p {
                    switch record.number(c + 2) {
                    case .value(let v): values.append(v)
                    case .missing: values.append(.nan)
                    case .bad:
                        guard let text = record.string(c + 2) else {
                            throw CSVError.invalidUTF8(file: file, row: row, column: names[c + 2])
                        }
                        // Swift's own spellings too ("inf", "-inf"), which `write` uses for infinities.
                        guard let v = Double(text.trimmingCharacters(in: .whitespaces)) else {
                            throw FileError.notANumber(file: file, row: row, column: names[c + 2], text: text)
                        }
                        values.append(v)
                    }
                }
            }
        } catch CSVError.headerOnly {
            // No rows: an empty table.
        }
        return FeatureTable(ids: ids, labels: labels, featureNames: Array(names.dropFirst(2)), values: values)
    }

    private static func escape(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
