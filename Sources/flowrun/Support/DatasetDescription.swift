import Engine
import FlowSpec
import Foundation
import Store

/// `flowrun datasets show` for a person: the file, then what the profile recorded at registration.
enum DatasetDescription {
    static func text(_ dataset: DatasetRecord, rows: Int) -> String {
        var lines = [
            "dataset \(dataset.id)  \(dataset.status)",
            "file        \(dataset.path)",
            "size        \(dataset.sizeBytes) bytes, sha256 \(dataset.contentHash.prefix(16))…",
            "registered  \(dataset.registeredAt.formatted(.iso8601))",
        ]
        if let reason = dataset.rejectReason { lines.append("rejected    \(reason)") }
        guard let profile = DatasetProfileJSON.decode(dataset.schemaJSON) else {
            if dataset.status == "ok" { lines.append("(no profile: only CSV and TSV files are described)") }
            return lines.joined(separator: "\n")
        }
        func number(_ n: Int) -> String { NumberText.format(Double(n)) }
        var contents = "rows        \(number(profile.rows))"
        if let exams = profile.exams {
            let inSample = profile.sampledRows == nil ? "" : " in the sample"
            contents += ", exams \(number(exams))\(inSample) (column \(profile.examColumn ?? "?"))"
        }
        lines.append(contents)
        if let sampled = profile.sampledRows {
            lines.append("sample      the first \(number(sampled)) rows (a large file): exams, labels, time and columns are theirs")
        }
        if let first = profile.firstTime, let last = profile.lastTime {
            lines.append("time        \(first) → \(last)")
        }
        if let labels = profile.labels, !labels.counts.isEmpty {
            let shown = labels.counts.map { "\($0.value) \(number($0.exams))" }.joined(separator: ", ")
            lines.append("labels      \(shown)\(labels.other > 0 ? ", other \(number(labels.other))" : "") (exams per \(labels.column))")
        }
        var columns = TextTable(header: ["column", "type", "missing", "not its type", "min", "max"])
        for column in profile.columns {
            columns.rows.append([
                column.name, column.type, String(format: "%.1f%%", column.missingShare * 100),
                number(column.mismatched), column.min ?? "", column.max ?? "",
            ])
        }
        lines += ["", columns.render()]
        if let header = profile.head.first, rows > 0, profile.head.count > 1 {
            var preview = TextTable(header: header)
            preview.rows = Array(profile.head.dropFirst().prefix(rows))
            lines += ["", "first \(preview.rows.count) rows:", preview.render()]
        }
        return lines.joined(separator: "\n")
    }
}
