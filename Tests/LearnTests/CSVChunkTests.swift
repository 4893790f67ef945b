import Foundation
import Testing

@testable import Learn

/// The file is cut into chunks of whole records and parsed on several threads: wherever the cuts
/// fall, the records, their row numbers and the errors must be what one pass over the file gives.
@Suite struct CSVChunkTests {
    /// Every record with its row, read sequentially and in parallel chunks.
    func records(_ url: URL, blockSize: Int) throws -> (sequential: [[String]], parallel: [[String]]) {
        var sequential: [[String]] = []
        try CSVReader(url: url, blockSize: blockSize).forEachRecord { record, row in
            sequential.append(["\(row)"] + (0..<record.count).map { record.string($0) ?? "<bad>" })
        }
        var parallel: [[String]] = []
        try CSVReader(url: url, blockSize: blockSize).forEachChunk(parallelism: 3) { chunk in
            var rows: [[String]] = []
            try chunk.forEachRecord { record, row in rows.append(["\(row)"] + (0..<record.count).map { record.string($0) ?? "<bad>" }) }
            return rows
        } consume: { rows, before in
            parallel += rows.map { ["\(before + Int($0[0])!)"] + $0.dropFirst() }
        }
        return (sequential, parallel)
    }

    static let tricky = "id,note,x\r\n1,\"a, b\",1.5\r\n\r\n2,\"say \"\"hi\"\"\",2\r\n3,\"two\nlines\",3\r\n4,\"\",\r\n5,\"end\"\"\",5"

    @Test func everyBlockSizeGivesTheSameRecords() throws {
        let url = try csvFile(Self.tricky)
        let expected: [[String]] = [
            ["2", "1", "a, b", "1.5"], ["4", "2", "say \"hi\"", "2"], ["5", "3", "two\nlines", "3"], ["6", "4", "", ""],
            ["7", "5", "end\"", "5"],
        ]
        for blockSize in 1...80 {
            let (sequential, parallel) = try records(url, blockSize: blockSize)
            #expect(sequential == expected, "block size \(blockSize)")
            #expect(parallel == expected, "block size \(blockSize)")
        }
    }

    @Test func errorsNameTheFileRowWhereverTheCutFalls() throws {
        var text = "a,b\n"
        for i in 0..<60 { text += "\(i),\(i)\n" }
        text += "60,60,60\n61,61\n"  // row 62 is ragged
        let url = try csvFile(text)
        for blockSize in [8, 16, 33, 1 << 20] {
            #expect(throws: CSVError.ragged(file: url.path, row: 62, expected: 2, found: 3)) { try records(url, blockSize: blockSize) }
        }
        let binary = try csvFile("a,b\n1,2\n3,4\n5,\u{0}\n")
        for blockSize in [4, 1 << 20] {
            #expect(throws: CSVError.binary(file: binary.path, row: 4)) { try records(binary, blockSize: blockSize) }
        }
        let garbage = try csvFile("\"\u{1}\u{0}\u{7f}x\n")
        #expect(throws: CSVError.binary(file: garbage.path, row: 1)) { try records(garbage, blockSize: 1 << 20) }
        let open = try csvFile("a,b\n1,2\n3,\"never closed\n4,5\n")
        #expect(throws: CSVError.unterminatedQuote(file: open.path, row: 3)) { try records(open, blockSize: 8) }
    }

    @Test func headerSpanningBlocksAndBlankOnlyData() throws {
        let url = try csvFile("\u{FEFF}long_column_name;another_long_name\n1;2\n")
        let (rows, _) = try records(url, blockSize: 5)
        #expect(try CSVReader(url: url, blockSize: 5).header == ["long_column_name", "another_long_name"])
        #expect(rows == [["2", "1", "2"]])
        #expect(throws: CSVError.headerOnly(file: "t")) {
            try CSVReader(url: try csvFile("a,b\n\n\r\n"), displayName: "t").forEachRecord { _, _ in }
        }
    }
}

extension CSVChunkTests {
    @Test func errorsThrownByTheCallerKeepTheirRow() throws {
        let url = try csvFile("a\n1\n2\n3\n")
        #expect(throws: CSVError.invalidUTF8(file: "t", row: 3, column: "a")) {
            try CSVReader(url: url, blockSize: 2).forEachRecord { _, row in
                if row == 3 { throw CSVError.invalidUTF8(file: "t", row: row, column: "a") }
            }
        }
    }
}
