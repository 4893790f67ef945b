import FlowSpec
import Testing

/// The one number formatter and the one duration formatter (issue 15): what the CLI, the dashboard,
/// the engine's log lines and JSON texts write.
@Suite struct ReadableFormatTests {
    @Test func numbers() {
        // Exact (JSON texts, params, a profile's bounds): whole numbers without a point.
        #expect(NumberText.format(3) == "3")
        #expect(NumberText.format(-0.25) == "-0.25")
        #expect(NumberText.format(0.1) == "0.1")
        #expect(NumberText.format(1e-7) == "1e-07")
        #expect(NumberText.format(1e20) == "1e+20")
        // For reading: significant digits, never an exponent for a large value, whole numbers as they are.
        #expect(NumberText.format(0.866666, significant: 4) == "0.8667")
        #expect(NumberText.format(0.866666, significant: 6) == "0.866666")
        #expect(NumberText.format(12345.678, significant: 4) == "12345.7")
        #expect(NumberText.format(1234567.8, significant: 6) == "1234567.8")
        #expect(NumberText.format(1234567, significant: 6) == "1234567")
        #expect(NumberText.format(0.000012345, significant: 4) == "1.234e-05")
        #expect(NumberText.format(.nan, significant: 6) == "nan")
        #expect(NumberText.format(-.infinity) == "-inf")
    }

    @Test func sizes() {
        #expect(ByteText.format(812) == "812 B")
        #expect(ByteText.format(2048) == "2.0 kB")
        #expect(ByteText.format(1_400_000) == "1.4 MB")
        #expect(ByteText.format(158_000_000_000) == "158.0 GB")
    }

    @Test func durations() {
        #expect(DurationText.readable(0.25) == "250ms")
        #expect(DurationText.readable(0.9996) == "1s")
        #expect(DurationText.readable(4.24) == "4.2s")
        #expect(DurationText.readable(5) == "5s")
        #expect(DurationText.readable(42.4) == "42s")
        #expect(DurationText.readable(59.6) == "1m00s")
        #expect(DurationText.readable(185) == "3m05s")
        #expect(DurationText.readable(7800) == "2h10m")
        #expect(DurationText.readable(-2) == "-2s")
        #expect(DurationText.readable(185, spaced: true) == "3 m 05 s")
        #expect(DurationText.readable(0.8, spaced: true) == "800 ms")
        #expect(DurationText.readable(.seconds(10)) == "10s")
        #expect(DurationText.readable(.milliseconds(2500)) == "2.5s")
        // A workflow's own spelling stays what reads back.
        #expect(DurationText.format(.seconds(1800)) == "30m")
    }
}
