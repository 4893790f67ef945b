import FlowSpec
import Foundation
import Store

/// `flowrun datasets show` for a person: the file, then what the profile recorded at registration.
enum DatasetDescription {
    static func text(_ dataset: DatasetRecord, rows: Int) -> String {
        var lines = ["dataset \(dataset.id)  \(dataset.status)",
                     "file        \(dataset.path)",
                     "size        \(dataset.sizeBytes) bytes, sha256 \(dataset.contentHash.prefix(16))…",
                     "registered  \(dataset.registeredAt.formatted(.iso8601))"]
        if let reason = dataset.rejectReason { lines.append("rejected    \(reason)") }
        guard let profile = Value(jsonText: dataset.schemaJSON)?["profile"] else {
            if dataset.status == "ok" { lines.append("(no profile: only CSV and TSV files are described)") }
            return lines.joined(separator: "\n")
        }
        func number(_ v: Value?) -> String { v?.numberValue.map { Value.number($0).jsonText } ?? "-" }
        var contents = "rows        \(number(profile["rows"]))"
        if profile["exams"]?.numberValue != nil {
            let inSample = profile["sampled_rows"]?.numberValue == nil ? "" : " in the sample"
            contents += ", exams \(number(profile["exams"]))\(inSample) (column \(profile["exam_column"]?.stringValue ?? "?"))"
        }
        lines.append(contents)
        if let sampled = profile["sampled_rows"]?.numberValue {
            lines.append("sample      the first \(Value.number(sampled).jsonText) rows (a large file): exams, labels, time and columns are theirs")
        }
        if let first = profile["first_time"]?.stringValue, let last = profile["last_time"]?.stringValue {
            lines.append("time        \(first) → \(last)")
        }
        if let labels = profile["labels"], let counts = labels["counts"]?.listValue, !counts.isEmpty {
            let shown = counts.map { "\($0["value"]?.stringValue ?? "") \(number($0["exams"]))" }.joined(separator: ", ")
            let other = labels["other"]?.numberValue ?? 0
            lines.append("labels      \(shown)\(other > 0 ? ", other \(Value.number(other).jsonText)" : "") (exams per \(labels["column"]?.stringValue ?? "label"))")
        }
        var columns = TextTable(header: ["column", "type", "missing", "not its type", "min", "max"])
        for column in profile["columns"]?.listValue ?? [] {
            let missing = column["missing_share"]?.numberValue ?? 0
            columns.rows.append([column["name"]?.stringValue ?? "", column["type"]?.stringValue ?? "",
                                 String(format: "%.1f%%", missing * 100), number(column["mismatched"]),
                                 column["min"]?.stringValue ?? "", column["max"]?.stringValue ?? ""])
        }
        lines += ["", columns.render()]
        let head = (profile["head"]?.listValue ?? []).map { ($0.listValue ?? []).map { $0.stringValue ?? "" } }
        if let header = head.first, rows > 0, head.count > 1 {
            var preview = TextTable(header: header)
            preview.rows = Array(head.dropFirst().prefix(rows))
            lines += ["", "first \(preview.rows.count) rows:", preview.render()]
        }
        return lines.joined(separator: "\n")
    }
}
