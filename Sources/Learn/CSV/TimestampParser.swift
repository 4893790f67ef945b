import Foundation

/// Timestamps as seconds since 1970: ISO 8601 (`2026-03-01T12:00:00`, with or without a zone and a
/// fraction, `T` or a space) or epoch numbers (seconds; milliseconds when above 10^11).
public enum TimestampParser {
    public static func seconds(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { seconds($0) }
    }

    /// The same from a cell's bytes, without making a `String`.
    public static func seconds(_ cell: UnsafeBufferPointer<UInt8>) -> Double? {
        var lo = 0, hi = cell.count
        while lo < hi, cell[lo] == 0x20 || cell[lo] == 0x09 { lo += 1 }
        while hi > lo, cell[hi - 1] == 0x20 || cell[hi - 1] == 0x09 { hi -= 1 }
        let b = UnsafeBufferPointer(rebasing: cell[lo..<hi])
        if b.count < 10 || b[4] != UInt8(ascii: "-") {
            guard case .value(let n) = NumberParser.parse(b), n.isFinite else { return nil }
            return abs(n) > 1e11 ? n / 1000 : n
        }
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var v = 0
            for k in at..<(at + count) {
                guard b[k] &- 48 < 10 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        guard b.count >= 10, let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45, let day = digits(8, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year, month, day)) * 86400
        var i = 10
        if i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") {
            guard let h = digits(i + 1, 2), b.count > i + 3, b[i + 3] == 58, let m = digits(i + 4, 2), h < 25, m < 60 else { return nil }
            seconds += Double(h * 3600 + m * 60)
            i += 6
            if i < b.count, b[i] == 58 {
                guard let s = digits(i + 1, 2), s < 61 else { return nil }
                seconds += Double(s)
                i += 3
                if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                    i += 1
                    var scale = 0.1
                    while i < b.count, b[i] &- 48 < 10 {
                        seconds += Double(b[i] - 48) * scale
                        scale /= 10
                        i += 1
                    }
                }
            }
            if i < b.count {
                if b[i] == UInt8(ascii: "Z") {
                    i += 1
                } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                    let sign = b[i] == UInt8(ascii: "+") ? -1.0 : 1.0
                    guard let zh = digits(i + 1, 2) else { return nil }
                    var zm = 0
                    if let m = digits(i + 3, 2) {
                        zm = m; i += 5
                    } else if b.count > i + 3, b[i + 3] == 58, let m = digits(i + 4, 2) {
                        zm = m; i += 6
                    } else {
                        i += 3
                    }
                    seconds += sign * Double(zh * 3600 + zm * 60)
                }
            }
        }
        return i == b.count ? seconds : nil
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
