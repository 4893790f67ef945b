import Foundation
import Learn
import Testing

/// The profile recorded when a dataset is registered: one pass, the same answer however the file
/// is cut into chunks.
@Suite struct DatasetProfileTests {
    static let text = """
        exam_id,timestamp,pressure,temp,note,label
        A,2026-03-01T10:00:00Z,1.5,20,ok,pass
        A,2026-03-01T10:00:01Z,,21,ok,pass
        B,2026-03-01T11:00:00Z,2.5,NaN,,fail
        B,2026-03-01T11:00:01Z,3,22,ok,fail
        C,2026-03-02T09:30:00Z,abc,23,ok,pass

        """

    @Test(arguments: [1 << 22, 64, 40]) func describesEveryColumnWhateverTheChunks(blockSize: Int) throws {
        let url = try csvFile(Self.text)
        let profile = try DatasetProfile.measure(url, blockSize: blockSize)
        #expect(profile.rows == 5)
        #expect(profile.sampledRows == nil)
        #expect(profile.exams == 3)
        #expect(profile.examColumn == "exam_id")
        #expect(profile.firstTime == "2026-03-01T10:00:00Z")
        #expect(profile.lastTime == "2026-03-02T09:30:00Z")
        let columns = Dictionary(uniqueKeysWithValues: profile.columns.map { ($0.name, $0) })
        #expect(columns["exam_id"]?.type == "text")
        #expect(columns["timestamp"]?.type == "timestamp")
        #expect(columns["pressure"]?.type == "number")
        #expect(columns["pressure"]?.missing == 1)
        #expect(columns["pressure"]?.missingShare == 0.2)
        #expect(columns["pressure"]?.mismatched == 1, "'abc' in a number column")
        #expect(columns["pressure"]?.min == "1.5")
        #expect(columns["pressure"]?.max == "3")
        #expect(columns["temp"]?.type == "integer")
        #expect(columns["temp"]?.missing == 1, "NaN is a missing value")
        #expect(columns["note"]?.type == "text")
        #expect(columns["note"]?.missing == 1)
        #expect(profile.labels?.counts.map { "\($0.value)=\($0.exams)" } == ["pass=2", "fail=1"])
        #expect(profile.head.count == 6)
        #expect(profile.head[0] == ["exam_id", "timestamp", "pressure", "temp", "note", "label"])
        #expect(profile.head[5] == ["C", "2026-03-02T09:30:00Z", "abc", "23", "ok", "pass"])
    }

    @Test func epochTimesAndAFileWithoutExamsOrLabels() throws {
        let url = try csvFile("timestamp,x\n1767225600,1\n1767225660000,2\n")
        let profile = try DatasetProfile.measure(url)
        #expect(profile.exams == nil)
        #expect(profile.labels == nil)
        #expect(profile.columns[0].type == "timestamp")
        #expect(profile.columns[0].min == "2026-01-01T00:00:00Z")
        #expect(profile.columns[0].max == "2026-01-01T00:01:00Z")
    }

    @Test func aBrokenFileNamesItsRow() throws {
        let url = try csvFile("exam_id,timestamp,x,label\nA,1,1,pass\nB,2\n")
        #expect {
            try DatasetProfile.measure(url, displayName: "broken.csv")
        } throws: { error in
            "\(error)" == "broken.csv: row 3: expected 4 cells like the header, found 2"
        }
    }

    @Test func aHeaderWithoutRowsIsDescribedNotRejected() throws {
        let profile = try DatasetProfile.measure(try csvFile("x\t3\n"))
        #expect(profile.rows == 0)
        #expect(profile.columns.map(\.name) == ["x", "3"])
        #expect(profile.columns.allSatisfy { $0.type == "empty" })
    }

    @Test func onlyCSVAndTSVFilesAreProfiled() {
        #expect(DatasetProfile.applies(to: URL(fileURLWithPath: "/d/exams.CSV")))
        #expect(DatasetProfile.applies(to: URL(fileURLWithPath: "/d/exams.tsv")))
        #expect(!DatasetProfile.applies(to: URL(fileURLWithPath: "/d/images.zip")))
    }
}

/// A file larger than the sample: the figures come from its first rows, the row count from its lines.
@Suite struct DatasetProfileSampleTests {
    @Test func aLargeFileIsSampledAndItsRowsCountedByLine() throws {
        var text = "exam_id,timestamp,x,label\n"
        for exam in 0..<200 {
            for t in 0..<10 { text += "E\(exam),\(t),\(exam * t),\(exam % 4 == 0 ? "fail" : "pass")\n" }
            if exam == 150 { text += "\n\r\n" }  // blank lines are not rows
        }
        let url = try csvFile(text)
        let profile = try DatasetProfile.measure(url, sampleBytes: 4096, blockSize: 1024)
        #expect(profile.rows == 2000)
        let sampled = try #require(profile.sampledRows)
        #expect(sampled > 0 && sampled < 2000)
        #expect(profile.exams.map { $0 < 200 } == true, "exams of the sample only")
        let whole = try DatasetProfile.measure(url)
        #expect(whole.rows == 2000)
        #expect(whole.sampledRows == nil)
        #expect(whole.exams == 200)
    }
}
