/// A position in a YAML file: 1-based line and column.
public struct SourceMark: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourceMark, b: SourceMark) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A YAML node with the place it came from — what lets every diagnostic point at a key or value.
indirect enum YAMLNode: Sendable {
    /// `plain` is false for quoted and block scalars: those are always strings.
    case scalar(String, plain: Bool, mark: SourceMark)
    case sequence([YAMLNode], mark: SourceMark)
    /// Pairs in file order; duplicate keys are reported by the composer and the later pair dropped.
    case mapping([(key: YAMLNode, value: YAMLNode)], mark: SourceMark)

    var mark: SourceMark {
        switch self {
        case .scalar(_, _, let mark), .sequence(_, let mark), .mapping(_, let mark): mark
        }
    }

    /// The scalar's text, for keys and string values.
    var text: String? {
        if case .scalar(let s, _, _) = self { s } else { nil }
    }

    var kindName: String {
        switch self {
        case .scalar(let s, let plain, _): plain ? YAMLNode.plainValue(s).typeName : "string"
        case .sequence: "list"
        case .mapping: "map"
        }
    }

    /// The node as a ``Value``: plain scalars resolve per the YAML 1.2 core schema.
    var value: Value {
        switch self {
        case .scalar(let s, let plain, _): plain ? YAMLNode.plainValue(s) : .string(s)
        case .sequence(let items, _): .list(items.map(\.value))
        case .mapping(let pairs, _):
            .map(Dictionary(pairs.map { ($0.key.text ?? "", $0.value.value) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    static func plainValue(_ s: String) -> Value {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf": return .number(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .number(-.infinity)
        default: break
        }
        if let first = s.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        {
            if s.hasPrefix("0x"), let n = Int(s.dropFirst(2), radix: 16) { return .number(Double(n)) }
            if s.hasPrefix("0o"), let n = Int(s.dropFirst(2), radix: 8) { return .number(Double(n)) }
            if !s.contains("_"), let n = Double(s), !s.lowercased().contains("n") { return .number(n) }
        }
        return .string(s)
    }
}
