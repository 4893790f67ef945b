import PostgresNIO
import SQLKit

/// A row of a named prepared statement, decoded as binary.
///
/// PostgresNIO 1.33.2 asks for every result column in binary format, but for a prepared statement
/// it keeps the columns as the server described them at `Parse` time, where the format is not yet
/// known and reads "text": PostgresKit's row would then read an 8-byte integer as text and fail
/// (`PostgresDecodingError`). This row reads each cell as binary — what the server sent. Decodes
/// what the store decodes: the types PostgresNIO decodes itself (`String`, `Int`, `Int64`,
/// `Double`, and their optionals), and a `numeric` as `Double`, as PostgresKit does.
struct PreparedResultRow: SQLRow {
    let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        cells = row.makeRandomAccess()
    }

    var allColumns: [String] { cells.map(\.columnName) }

    func contains(column: String) -> Bool { cells.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        !cells.contains(column) || cells[column].bytes == nil
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard cells.contains(column) else { throw PreparedResultRowError.missingColumn(column) }
        let sent = cells[column]
        let cell = PostgresCell(
            bytes: sent.bytes, dataType: sent.dataType, format: .binary, columnName: sent.columnName,
            columnIndex: sent.columnIndex)
        if cell.dataType == .numeric, D.self == Double.self || D.self == Double?.self {
            let data = PostgresData(type: cell.dataType, formatCode: .binary, value: cell.bytes)
            if cell.bytes == nil, let none = Optional<Double>.none as? D { return none }
            guard let value = data.numeric?.double as? D else { throw PreparedResultRowError.cannotDecode(column, "\(D.self)") }
            return value
        }
        guard let decodable = D.self as? any PostgresDecodable.Type else {
            throw PreparedResultRowError.cannotDecode(column, "\(D.self)")
        }
        return try cell.decode(decodable) as! D
    }
}

enum PreparedResultRowError: Error, CustomStringConvertible {
    case missingColumn(String)
    case cannotDecode(String, String)

    var description: String {
        switch self {
        case .missingColumn(let column): return "no column '\(column)' in the row"
        case .cannotDecode(let column, let type): return "column '\(column)': cannot decode \(type) from a prepared statement's row"
        }
    }
}
