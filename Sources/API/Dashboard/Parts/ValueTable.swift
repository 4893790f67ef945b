import FlowSpec

/// Free-form JSON (a dataset's schema and data-quality summary, a run's params, a step's outputs)
/// as nested tables (`parts/value`, which includes itself): an object is a key/value table, a list
/// of objects a table with a column per key.
struct ValueTable: Encodable {
    struct Entry: Encodable {
        let key: String
        let value: ValueTable
    }

    struct Row: Encodable {
        let cells: [ValueTable]
    }

    // Every field is set at every level: a missing one would be looked up in the enclosing value.
    let hasID: Bool
    let tableID: String
    let isEmptyMap: Bool
    let isMap: Bool
    let entries: [Entry]
    let isTable: Bool
    let columns: [String]
    let rows: [Row]
    let isList: Bool
    let items: [ValueTable]
    let isNumber: Bool
    let isNull: Bool
    let isText: Bool
    let text: String

    init(_ value: Value, id: String? = nil) {
        hasID = id != nil
        tableID = id ?? ""
        var isEmptyMap = false, isMap = false, isTable = false, isList = false, isNumber = false, isNull = false, isText = false
        var entries: [Entry] = [], columns: [String] = [], rows: [Row] = [], items: [ValueTable] = []
        var text = ""
        switch value {
        case .map(let map) where map.isEmpty:
            isEmptyMap = true
        case .map(let map):
            isMap = true
            entries = map.keys.sorted().map { Entry(key: $0, value: ValueTable(map[$0] ?? .null)) }
        case .list(let list) where !list.isEmpty && list.allSatisfy({ $0.mapValue != nil }):
            isTable = true
            for item in list {
                for key in (item.mapValue ?? [:]).keys.sorted() where !columns.contains(key) { columns.append(key) }
            }
            rows = list.map { item in Row(cells: columns.map { ValueTable(item.mapValue?[$0] ?? .null) }) }
        case .list(let list):
            isList = true
            items = list.map { ValueTable($0) }
        case .number(let number):
            isNumber = true
            text = Format.number(number)
        case .null:
            isNull = true
        case .string, .bool:
            isText = true
            text = value.interpolated
        }
        self.isEmptyMap = isEmptyMap
        self.isMap = isMap
        self.entries = entries
        self.isTable = isTable
        self.columns = columns
        self.rows = rows
        self.isList = isList
        self.items = items
        self.isNumber = isNumber
        self.isNull = isNull
        self.isText = isText
        self.text = text
    }
}
