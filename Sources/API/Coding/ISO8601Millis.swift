import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `2026-11-25T13:48:03.123Z`: the API's one date format, written by hand. Foundation's
/// `ISO8601FormatStyle` costs microseconds per date on Linux, which made date formatting most of
/// the time of a 50-run page.
enum ISO8601Millis {
    static func string(from date: Date) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same characters appended to `bytes`, for bodies written by hand.
    static func append(_ date: Date, to bytes: inout [UInt8]) {
        // From the reference date, as Date stores it (and Foundation rounds): the same millisecond.
        let millisTotal = (date.timeIntervalSinceReferenceDate * 1000).rounded(.down) + 978_307_200_000
        var seconds = time_t(Int64((millisTotal / 1000).rounded(.down)))
        let millis = Int(millisTotal - Double(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4); bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2); bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2); bytes.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2); bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2); bytes.append(UInt8(ascii: "."))
        digits(millis, 3); bytes.append(UInt8(ascii: "Z"))
    }
}
