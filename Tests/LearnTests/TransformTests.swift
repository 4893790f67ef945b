import Foundation
import Testing

@testable import Learn

/// `transform: auto`'s rule and the running summary it reads.
@Suite struct TransformTests {
    static func moments(_ values: [Double]) -> ChannelMoments {
        var m = ChannelMoments()
        for (row, v) in values.enumerated() { m.add(v, row: row + 2) }
        return m
    }

    @Test func chunksMergeToTheWholeFilesSummary() {
        var rng = SplitMix64(seed: 3)
        let values = (0..<1000).map { _ in (exp(rng.normal() + 8)).rounded() }  // counts near 3000, a long tail
        let whole = Self.moments(values)
        var merged = ChannelMoments()
        var before = 0
        for piece in stride(from: 0, to: values.count, by: 300) {
            var chunk = ChannelMoments()
            for (i, v) in values[piece..<min(piece + 300, values.count)].enumerated() { chunk.add(v, row: i + 1) }
            merged.merge(chunk, rowsBefore: before)
            before += min(300, values.count - piece)
        }
        #expect(merged.count == whole.count && merged.minimum == whole.minimum && merged.maximum == whole.maximum)
        #expect(abs(merged.skewness - whole.skewness) < 1e-9)
        // scipy.stats.skew of [0, 0, 0, 0, 10]: 1.5
        #expect(abs(Self.moments([0, 0, 0, 0, 10]).skewness - 1.5) < 1e-12)
        #expect(Self.moments([5, 5, 5]).skewness == 0)
    }

    @Test func theFirstNegativeKeepsItsFileRow() {
        var first = ChannelMoments(), second = ChannelMoments()
        first.add(3, row: 1)
        second.add(1, row: 1)
        second.add(-4, row: 2)
        first.merge(second, rowsBefore: 10)
        #expect(first.firstNegative?.row == 12 && first.firstNegative?.value == -4)
    }

    @Test func autoTakesSkewedWholeNonNegativeChannelsOnly() {
        var rng = SplitMix64(seed: 5)
        let counts = (0..<500).map { _ in exp(2 * rng.normal()).rounded() }
        #expect(AutoTransform.choose(Self.moments(counts)).transform == .log1p)
        #expect(AutoTransform.choose(Self.moments(counts + [-1])).reason == "negative values (least -1.0)")
        #expect(AutoTransform.choose(Self.moments(counts + [0.5])).reason == "not whole numbers")
        #expect(AutoTransform.choose(Self.moments([0, 0, 0, 0, 1])).reason == "a 0/1 flag")
        let symmetric = AutoTransform.choose(Self.moments((0..<500).map { _ in (50 + 5 * rng.normal()).rounded() }))
        #expect(symmetric.transform == .none)
        #expect(symmetric.reason.hasPrefix("whole numbers "))
    }
}
