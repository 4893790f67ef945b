import Foundation
import Testing

@testable import Learn

@Suite struct CSVReaderTests {
    func rows(_ text: String) throws -> (header: [String], rows: [[String]]) {
        let reader = try CSVReader(url: try csvFile(text), displayName: "t.csv")
        var rows: [[String]] = []
        try reader.forEachRecord { record, _ in rows.append((0..<record.count).map { record.string($0) ?? "<bad>" }) }
        return (reader.header, rows)
    }

    @Test(arguments: [
        ("a,b\n1,2\n", ["a", "b"]), ("a;b\n1;2\n", ["a", "b"]), ("a\tb\n1\t2\n", ["a", "b"]),
        ("\u{FEFF}a,b\r\n1,2\r\n", ["a", "b"]),
    ])
    func delimitersBOMAndCRLF(_ text: String, _ header: [String]) throws {
        let parsed = try rows(text)
        #expect(parsed.header == header)
        #expect(parsed.rows == [["1", "2"]])
    }

    @Test func quotedCellsWithDelimitersQuotesAndNewlines() throws {
        let parsed = try rows("id,note\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n")
        #expect(parsed.rows == [["1", "a, b"], ["2", "say \"hi\""], ["3", "two\nlines"]])
    }

    @Test(arguments: ["", "NaN", "NA", "n/a", "null", "N/A"])
    func missingSpellings(_ cell: String) throws {
        let reader = try CSVReader(url: try csvFile("x,y\n\(cell),1\n"))
        try reader.forEachRecord { record, _ in #expect(record.number(0) == .missing) }
    }

    @Test(arguments: [("1.5", 1.5), ("-2e3", -2000.0), ("0.1", 0.1), ("123456789.123456789", 123456789.123456789), ("+7", 7.0)])
    func numbers(_ text: String, _ value: Double) throws {
        let reader = try CSVReader(url: try csvFile("x\n\(text)\n"))
        try reader.forEachRecord { record, _ in #expect(record.number(0) == .value(value)) }
    }

    @Test func badNumberIsFlagged() throws {
        let reader = try CSVReader(url: try csvFile("x\n1.2.3\n"))
        try reader.forEachRecord { record, _ in #expect(record.number(0) == .bad) }
    }

    @Test(arguments: [
        ("2026-03-01T12:00:00Z", 1_772_366_400.0), ("2026-03-01T12:00:00.250", 1_772_366_400.25),
        ("2026-03-01 13:00:00+01:00", 1_772_366_400.0), ("1772366400", 1_772_366_400.0), ("1772366400250", 1_772_366_400.25),
    ])
    func timestamps(_ text: String, _ seconds: Double) {
        #expect(TimestampParser.seconds(text) == seconds)
    }

    @Test func badInputNamesTheRow() throws {
        #expect(throws: CSVError.empty(file: "t.csv")) { try CSVReader(url: try csvFile(""), displayName: "t.csv") }
        #expect(throws: CSVError.headerOnly(file: "t.csv")) { try rows("a,b\n") }
        #expect(throws: CSVError.ragged(file: "t.csv", row: 3, expected: 2, found: 3)) { try rows("a,b\n1,2\n1,2,3\n") }
        #expect(throws: CSVError.binary(file: "t.csv", row: 2)) { try rows("a,b\n1,\u{0}\n") }
        #expect(throws: CSVError.unterminatedQuote(file: "t.csv", row: 2)) { try rows("a,b\n1,\"open\n") }
    }
}
