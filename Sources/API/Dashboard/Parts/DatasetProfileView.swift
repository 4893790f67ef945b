import FlowSpec

/// A dataset's profile (recorded at registration, `{"profile": …}` in its schema JSON) as the dataset
/// page shows it: what the file holds, its labels, its columns and its first rows.
struct DatasetProfileView: Encodable {
    struct Fact: Encodable {
        let name: String
        let value: String
    }

    struct Label: Encodable {
        let value: String
        let exams: String
        let share: String
    }

    struct Column: Encodable {
        let name: String
        let type: String
        let missing: String
        let mismatched: String
        let min: String
        let max: String
    }

    struct Row: Encodable {
        let cells: [String]
    }

    let facts: [Fact]
    let hasLabels: Bool
    let labelColumn: String
    let labels: [Label]
    let columns: [Column]
    let headHeader: [String]
    let headRows: [Row]

    /// Nil when the schema holds no profile (a file that is not CSV, or registered before profiles).
    init?(schema: Value) {
        guard let profile = schema["profile"], let rows = profile["rows"]?.numberValue else { return nil }
        var facts = [Fact(name: "Rows", value: Format.number(rows))]
        if let sampled = profile["sampled_rows"]?.numberValue {
            facts.append(Fact(name: "Described from", value: "the first \(Format.number(sampled)) rows: the figures below are theirs"))
        }
        if let exams = profile["exams"]?.numberValue {
            let inSample = profile["sampled_rows"] == nil ? "" : " in the sample"
            facts.append(Fact(name: "Exams", value: "\(Format.number(exams))\(inSample) (column \(profile["exam_column"]?.stringValue ?? "?"))"))
        }
        if let first = profile["first_time"]?.stringValue, let last = profile["last_time"]?.stringValue {
            facts.append(Fact(name: "Time range", value: "\(first) → \(last)"))
        }
        facts.append(Fact(name: "Columns", value: String(profile["columns"]?.listValue?.count ?? 0)))
        if let seconds = profile["seconds"]?.numberValue { facts.append(Fact(name: "Profiled in", value: Format.duration(seconds))) }
        self.facts = facts

        let counts = profile["labels"]?["counts"]?.listValue ?? []
        let total = counts.compactMap { $0["exams"]?.numberValue }.reduce(0, +) + (profile["labels"]?["other"]?.numberValue ?? 0)
        labels = counts.map { item in
            let exams = item["exams"]?.numberValue ?? 0
            let share = total > 0 ? exams / total : 0
            return Label(value: item["value"]?.stringValue ?? "", exams: Format.number(exams), share: Format.percent(share))
        }
        hasLabels = !labels.isEmpty
        labelColumn = profile["labels"]?["column"]?.stringValue ?? ""

        columns = (profile["columns"]?.listValue ?? []).map { column in
            let missing = column["missing_share"]?.numberValue ?? 0
            let mismatched = column["mismatched"]?.numberValue ?? 0
            return Column(name: column["name"]?.stringValue ?? "", type: column["type"]?.stringValue ?? "",
                          missing: Format.percent(missing),
                          mismatched: mismatched > 0 ? Format.number(mismatched) : "",
                          min: column["min"]?.stringValue ?? "", max: column["max"]?.stringValue ?? "")
        }
        let head = (profile["head"]?.listValue ?? []).map { ($0.listValue ?? []).map { $0.stringValue ?? "" } }
        headHeader = head.first ?? []
        headRows = head.dropFirst().map { Row(cells: $0) }
    }
}
