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
        precondition(ids.count == labels.count && values.count == ids.count * featureNames.count,
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
        return FeatureTable(ids: indices.map { ids[$0] }, labels: indices.map { labels[$0] },
                            featureNames: featureNames, values: out)
    }
}

extension FeatureTable {
    public enum FileError: Error, CustomStringConvertible {
        case malformed(file: String, line: Int, message: String)

        public var description: String {
            switch self {
            case .malformed(let file, let line, let message): "\(file):\(line): \(message)"
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

    /// Reads a table written by ``write(to:)``.
    public static func read(from url: URL) throws -> FeatureTable {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard let header = lines.next() else {
            throw FileError.malformed(file: url.path, line: 1, message: "empty feature table")
        }
        let names = splitRow(header)
        guard names.count >= 2, names[0] == "id", names[1] == "label" else {
            throw FileError.malformed(file: url.path, line: 1, message: "expected header `id,label,…`")
        }
        let p = names.count - 2
        var ids = [String](), labels = [String](), values = [Double]()
        var lineNumber = 1
        while let line = lines.next() {
            lineNumber += 1
            let cells = splitRow(line)
            guard cells.count == names.count else {
                throw FileError.malformed(file: url.path, line: lineNumber,
                                          message: "expected \(names.count) cells, found \(cells.count)")
            }
            ids.append(cells[0])
            labels.append(cells[1])
            for c in 0..<p {
                let cell = cells[c + 2]
                if cell.isEmpty { values.append(.nan); continue }
                guard let v = Double(cell) else {
                    throw FileError.malformed(file: url.path, line: lineNumber,
                                              message: "column '\(names[c + 2])': not a number: \(cell)")
                }
                values.append(v)
            }
        }
        return FeatureTable(ids: ids, labels: labels, featureNames: Array(names.dropFirst(2)), values: values)
    }

    private static func escape(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    private static func splitRow(_ line: Substring) -> [String] {
        var cells = [String](), cell = "", quoted = false
        var chars = line.makeIterator()
        while let ch = chars.next() {
            if quoted {
                if ch == "\"" {
                    // A doubled quote inside a quoted cell is a literal quote.
                    if let next = chars.next() {
                        if next == "\"" { cell.append("\"") } else { quoted = false; if next == "," { cells.append(cell); cell = "" } else if next != "\r" { cell.append(next) } }
                    } else { quoted = false }
                } else { cell.append(ch) }
            } else if ch == "\"" { quoted = true }
            else if ch == "," { cells.append(cell); cell = "" }
            else if ch != "\r" { cell.append(ch) }
        }
        cells.append(cell)
        return cells
    }
}
