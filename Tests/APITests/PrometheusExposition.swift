import Foundation

/// A strict reader of the Prometheus text format (0.0.4), for tests: every line is `# HELP name
/// text`, `# TYPE name type` or `name{label="value",…} value`; a family's HELP and TYPE come once,
/// before its samples, and all its samples are together; a histogram's samples are
/// `_bucket` (with `le`), `_sum` and `_count`; no series appears twice. Anything else throws,
/// naming the line.
struct PrometheusExposition {
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// Each series (`name{a="1",b="2"}`, labels as written) and its value.
    private(set) var samples: [String: Double] = [:]
    /// Each family's type.
    private(set) var types: [String: String] = [:]
    private(set) var helps: [String: String] = [:]

    subscript(_ series: String) -> Double? { samples[series] }

    /// Series of the family `name` (histograms: its `_bucket`, `_sum`, `_count`).
    func series(of name: String) -> [String: Double] {
        samples.filter { PrometheusExposition.family(ofSample: $0.key.prefix { $0 != "{" }, types: types) == name }
    }

    init(_ text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw Problem(description: "the text does not end with a newline") }
        var finishedFamilies: Set<String> = []
        var current: String?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let place = "line \(index + 1) «\(line)»"
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count >= 3, parts[0] == "#", ["HELP", "TYPE"].contains(parts[1]) else {
                    throw Problem(description: "\(place): a comment that is neither # HELP nor # TYPE")
                }
                let name = String(parts[2])
                try Self.checkName(name, place)
                if current != name {
                    if let current { finishedFamilies.insert(current) }
                    guard !finishedFamilies.contains(name) else { throw Problem(description: "\(place): family \(name) appears twice") }
                    current = name
                }
                if parts[1] == "HELP" {
                    guard helps[name] == nil else { throw Problem(description: "\(place): a second HELP for \(name)") }
                    guard types[name] == nil else { throw Problem(description: "\(place): HELP after TYPE for \(name)") }
                    helps[name] = parts.count == 4 ? String(parts[3]) : ""
                } else {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        throw Problem(description: "\(place): a TYPE without a known type")
                    }
                    guard types[name] == nil else { throw Problem(description: "\(place): a second TYPE for \(name)") }
                    guard
                        !samples.keys.contains(where: {
                            $0.hasPrefix(name) && Self.family(ofSample: $0.prefix { $0 != "{" }, types: types) == name
                        })
                    else {
                        throw Problem(description: "\(place): TYPE after samples of \(name)")
                    }
                    types[name] = String(parts[3])
                }
                continue
            }
            let (series, name, labels, value) = try Self.sample(line, place)
            guard let family = Self.family(ofSample: Substring(name), types: types), types[family] != nil else {
                throw Problem(description: "\(place): a sample of no declared family")
            }
            guard family == current else { throw Problem(description: "\(place): a sample of \(family) outside its family's block") }
            if types[family] == "histogram" {
                if name == family + "_bucket" {
                    guard labels.contains(where: { $0.0 == "le" }) else { throw Problem(description: "\(place): a bucket without le") }
                } else {
                    guard [family + "_sum", family + "_count"].contains(name) else {
                        throw Problem(description: "\(place): a histogram sample that is not _bucket, _sum or _count")
                    }
                }
            } else if name != family {
                throw Problem(description: "\(place): \(name) in family \(family)")
            }
            guard samples.updateValue(value, forKey: series) == nil else { throw Problem(description: "\(place): a duplicate series") }
        }
    }

    /// The family a sample named `name` belongs to: itself, or a histogram's base name.
    static func family(ofSample name: Substring, types: [String: String]) -> String? {
        if types[String(name)] != nil { return String(name) }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return nil
    }

    private static func checkName(_ name: String, _ place: String) throws {
        guard let first = name.unicodeScalars.first, first == "_" || first == ":" || CharacterSet.letters.contains(first), first.isASCII,
            name.unicodeScalars.allSatisfy({ $0.isASCII && ($0 == "_" || $0 == ":" || CharacterSet.alphanumerics.contains($0)) })
        else {
            throw Problem(description: "\(place): \(name) is not a metric name")
        }
    }

    private static func sample(
        _ line: Substring, _ place: String
    ) throws -> (series: String, name: String, labels: [(String, String)], value: Double) {
        var rest = line[...]
        let name = String(rest.prefix { $0 != "{" && $0 != " " })
        try checkName(name, place)
        rest = rest.dropFirst(name.count)
        var labels: [(String, String)] = []
        var series = name
        if rest.first == "{" {
            rest = rest.dropFirst()
            var seen: Set<String> = []
            while rest.first != "}" {
                let label = String(rest.prefix { $0 != "=" })
                guard !label.isEmpty, label.allSatisfy({ $0.isASCII && ($0 == "_" || $0.isLetter || $0.isNumber) }), !label.first!.isNumber
                else {
                    throw Problem(description: "\(place): a bad label name")
                }
                rest = rest.dropFirst(label.count)
                guard rest.hasPrefix("=\"") else { throw Problem(description: "\(place): label \(label) without =\"") }
                rest = rest.dropFirst(2)
                var value = ""
                while true {
                    guard let c = rest.first else { throw Problem(description: "\(place): an unterminated label value") }
                    rest = rest.dropFirst()
                    if c == "\"" { break }
                    if c == "\\" {
                        guard let escaped = rest.first, ["\\", "\"", "n"].contains(escaped) else {
                            throw Problem(description: "\(place): a bad escape")
                        }
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(c)
                    }
                }
                guard seen.insert(label).inserted else { throw Problem(description: "\(place): label \(label) twice") }
                labels.append((label, value))
                if rest.first == "," {
                    rest = rest.dropFirst()
                } else if rest.first != "}" {
                    throw Problem(description: "\(place): labels not separated by commas")
                }
            }
            rest = rest.dropFirst()
            series = String(line.prefix(line.count - rest.count))
        }
        guard rest.first == " " else { throw Problem(description: "\(place): no space before the value") }
        rest = rest.dropFirst()
        let text = String(rest)
        let value: Double
        switch text {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let number = Double(text), text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else {
                throw Problem(description: "\(place): \(text) is not a value (a timestamp is not expected either)")
            }
            value = number
        }
        return (series, name, labels, value)
    }
}
