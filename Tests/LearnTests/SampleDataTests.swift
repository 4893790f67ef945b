import Foundation
import Testing

@testable import Learn

/// The generator writes numbers and times as bytes; they must read as `printf` would write them.
@Suite struct SampleDataTests {
    @Test func fixedDecimalsMatchPrintf() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let value = (Double.random(in: 0..<1, using: &rng) - 0.3) * pow(10, Double(Int.random(in: -2...4, using: &rng)))
            for decimals in [3, 4] {
                var bytes: [UInt8] = []
                ExamDataGenerator.appendFixed(value, decimals: decimals, to: &bytes)
                #expect(String(decoding: bytes, as: UTF8.self) == String(format: "%.\(decimals)f", value), "\(value)")
            }
        }
    }

    @Test func timestampsAreISO8601WithMilliseconds() {
        let seconds: Double = 1_772_326_923.4  // 2026-03-01T01:02:03.400Z
        var bytes: [UInt8] = []
        ExamDataGenerator.appendISO(seconds, to: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text == "2026-03-01T01:02:03.400Z")
        #expect(TimestampParser.seconds(text) == seconds)
    }
}
