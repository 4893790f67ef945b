import Engine

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
    init?(schemaJSON: String) {
        guard let profile = DatasetProfileJSON.decode(schemaJSON) else { return nil }
        func number(_ n: Int) -> String { Format.number(Double(n)) }
        var facts = [Fact(name: "Rows", value: number(profile.rows))]
        if let sampled = profile.sampledRows {
            facts.append(Fact(name: "Described from", value: "the first \(number(sampled)) rows: the figures below are theirs"))
        }
        if let exams = profile.exams {
            let inSample = profile.sampledRows == nil ? "" : " in the sample"
            facts.append(Fact(name: "Exams", value: "\(number(exams))\(inSample) (column \(profile.examColumn ?? "?"))"))
        }
        if let first = profile.firstTime, let last = profile.lastTime {
            facts.append(Fact(name: "Time range", value: "\(first) → \(last)"))
        }
        facts.append(Fact(name: "Columns", value: String(profile.columns.count)))
        facts.append(Fact(name: "Profiled in", value: Format.duration(profile.seconds)))
        self.facts = facts

        let counts = profile.labels?.counts ?? []
        let total = Double(counts.map(\.exams).reduce(0, +) + (profile.labels?.other ?? 0))
        labels = counts.map { item in
            let share = total > 0 ? Double(item.exams) / total : 0
            return Label(value: item.value, exams: number(item.exams), share: Format.percent(share))
        }
        hasLabels = !labels.isEmpty
        labelColumn = profile.labels?.column ?? ""

        columns = profile.columns.map { column in
            Column(
                name: column.name, type: column.type, missing: Format.percent(column.missingShare),
                mismatched: column.mismatched > 0 ? number(column.mismatched) : "",
                min: column.min ?? "", max: column.max ?? "")
        }
        headHeader = profile.head.first ?? []
        headRows = profile.head.dropFirst().map { Row(cells: $0) }
    }
}
