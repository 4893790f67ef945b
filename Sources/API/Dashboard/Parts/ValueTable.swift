import FlowSpec

/// Free-form JSON (a dataset's schema and data-quality summary, a run's params) as nested tables:
/// an object is a key/value table, a list of objects a table with a column per key.
enum ValueTable {
    static func render(_ value: Value, id: String? = nil) -> String {
        let idAttribute = id.map { " id=\"\(html($0))\"" } ?? ""
        switch value {
        case .map(let map):
            guard !map.isEmpty else { return "<p\(idAttribute) class=\"empty\">Nothing recorded.</p>" }
            let rows = map.keys.sorted().map { key in
                "<tr><th>\(html(key))</th><td>\(render(map[key] ?? .null))</td></tr>"
            }.joined()
            return "<table\(idAttribute) class=\"kv\">\(rows)</table>"
        case .list(let items) where !items.isEmpty && items.allSatisfy({ $0.mapValue != nil }):
            var columns: [String] = []
            for item in items {
                for key in (item.mapValue ?? [:]).keys.sorted() where !columns.contains(key) { columns.append(key) }
            }
            let head = columns.map { "<th>\(html($0))</th>" }.joined()
            let rows = items.map { item in
                "<tr>" + columns.map { "<td>\(render(item.mapValue?[$0] ?? .null))</td>" }.joined() + "</tr>"
            }.joined()
            return "<table\(idAttribute)><thead><tr>\(head)</tr></thead><tbody>\(rows)</tbody></table>"
        case .list(let items):
            return "<span\(idAttribute)>" + items.map { render($0) }.joined(separator: ", ") + "</span>"
        case .number(let number):
            return "<span\(idAttribute) class=\"mono\">\(html(Format.number(number)))</span>"
        case .null:
            return "<span\(idAttribute) class=\"muted\">—</span>"
        case .string, .bool:
            return "<span\(idAttribute)>\(html(value.interpolated))</span>"
        }
    }
}
