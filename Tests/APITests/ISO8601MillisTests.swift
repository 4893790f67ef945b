import Foundation
import Testing

@testable import API

@Suite struct ISO8601MillisTests {
    @Test(arguments: [0, 1, 1_764_078_483.123, 1_764_078_483.9996, 951_782_400.5 /* 2000-02-29 */, 4_102_444_799.999, -86_400.25])
    func matchesFoundationsFormat(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(ISO8601Millis.string(from: date) == date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }
}
