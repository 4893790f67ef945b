import Foundation

/// Decimal text to Double straight from bytes. Up to 19 significant digits with a power-of-ten
/// exponent within ±22 is computed exactly (one rounding, as strtod would); anything longer falls
/// back to strtod.
enum NumberParser {
    private static let powers: [Double] = (0...22).map { pow(10, Double($0)) }

    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> NumberCell {
        var i = 0, end = s.count
        while i < end, s[i] == 0x20 { i += 1 }
        while end > i, s[end - 1] == 0x20 { end -= 1 }
        if i == end { return .missing }
        if isMissingWord(s, i, end) { return .missing }
        var negative = false
        if s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") {
            negative = s[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0, digits = 0, exponent = 0, sawDigit = false
        while i < end, s[i] &- 48 < 10 {
            if digits < 19 { mantissa = mantissa * 10 + UInt64(s[i] - 48); if mantissa > 0 { digits += 1 } } else { exponent += 1 }
            sawDigit = true
            i += 1
        }
        if i < end, s[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, s[i] &- 48 < 10 {
                if digits < 19 { mantissa = mantissa * 10 + UInt64(s[i] - 48); if mantissa > 0 { digits += 1 }; exponent -= 1 }
                sawDigit = true
                i += 1
            }
        }
        guard sawDigit else { return .bad }
        if i < end, s[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < end, s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") { expNegative = s[i] == UInt8(ascii: "-"); i += 1 }
            var e = 0, sawExp = false
            while i < end, s[i] &- 48 < 10 { e = min(e * 10 + Int(s[i] - 48), 100_000); sawExp = true; i += 1 }
            guard sawExp else { return .bad }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return .bad }
        if mantissa < (1 << 53), abs(exponent) <= 22 {
            var v = Double(mantissa)
            v = exponent < 0 ? v / powers[-exponent] : v * powers[exponent]
            return .value(negative ? -v : v)
        }
        // Rare: long mantissas or large exponents.
        var text = [CChar](repeating: 0, count: s.count + 1)
        for k in 0..<s.count { text[k] = CChar(bitPattern: s[k]) }
        return .value(strtod(text, nil))
    }

    /// empty, NaN, NA, N/A, n/a, null, None (any case).
    private static func isMissingWord(_ s: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Bool {
        let n = end - i
        guard n <= 4, s[i] | 0x20 == UInt8(ascii: "n") else { return false }
        var word = ""
        for k in i..<end { word.unicodeScalars.append(Unicode.Scalar(s[k] | 0x20)) }
        return ["nan", "na", "n/a", "null", "none"].contains(word)
    }
}
