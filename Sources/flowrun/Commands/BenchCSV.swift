import ArgumentParser
import Foundation
import Learn

struct BenchCSV: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csv",
        abstract: "CSV → numeric columns throughput on a file (JSON): every cell parsed as a number or text.")

    @Argument(help: "A CSV file (e.g. from `flowrun sample-data`).") var file: String
    @Option(help: "Threads parsing chunks of the file.") var threads = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        try await reportingErrors {
            let url = URL(fileURLWithPath: file)
            let bytes = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            let start = ContinuousClock.now
            let reader = try CSVReader(url: url)
            var rows = 0, numbers = 0, missing = 0
            var checksum = 0.0
            try reader.forEachChunk(parallelism: threads) { chunk in
                var part = (rows: 0, numbers: 0, missing: 0, checksum: 0.0)
                try chunk.forEachRecord { record, _ in
                    part.rows += 1
                    for i in 0..<record.count {
                        switch record.number(i) {
                        case .value(let v): part.numbers += 1; part.checksum += v
                        case .missing: part.missing += 1
                        case .bad: break
                        }
                    }
                }
                return part
            } consume: { part, _ in
                rows += part.rows
                numbers += part.numbers
                missing += part.missing
                checksum += part.checksum
            }
            let seconds = (ContinuousClock.now - start).seconds
            let report: [String: Any] = [
                "file": file, "bytes": bytes, "threads": threads, "rows": rows, "numeric_cells": numbers, "missing_cells": missing,
                "seconds": seconds, "rows_per_second": Double(rows) / seconds, "mb_per_second": Double(bytes) / 1e6 / seconds,
                "peak_rss_mb": PeakRSS.ofThisProcess(), "checksum": checksum,
            ]
            print(
                String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
        }
    }
}
