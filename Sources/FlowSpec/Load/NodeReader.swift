/// Typed reads of YAML nodes that record a diagnostic, at the node's place, for anything unexpected.
struct NodeReader {
    private(set) var diagnostics: [SpecDiagnosticDraft] = []

    mutating func error(_ mark: SourceMark, _ message: String) {
        diagnostics.append(SpecDiagnosticDraft(mark: mark, message: message))
    }

    mutating func warning(_ mark: SourceMark, _ message: String) {
        diagnostics.append(SpecDiagnosticDraft(mark: mark, message: message, severity: .warning))
    }

    mutating func append(_ drafts: [SpecDiagnosticDraft]) {
        diagnostics += drafts
    }

    static func describe(_ node: YAMLNode) -> String {
        switch node {
        case .scalar(let s, let plain, _):
            let v = plain ? YAMLNode.plainValue(s) : .string(s)
            return v == .null ? "nothing" : "\(v.typeName) \(v.jsonText)"
        case .sequence: return "a list"
        case .mapping: return "a map"
        }
    }

    /// The pairs of a mapping with every key checked against `allowed` (unknown keys get a
    /// suggestion). Nil, with an error, when the node is not a mapping.
    mutating func mapping(
        _ node: YAMLNode, _ field: String, allowed: [String]? = nil
    ) -> [(key: String, keyMark: SourceMark, value: YAMLNode)]? {
        guard case .mapping(let pairs, _) = node else {
            error(node.mark, "\(field): expected a map, got \(Self.describe(node))")
            return nil
        }
        var result: [(String, SourceMark, YAMLNode)] = []
        for pair in pairs {
            guard let key = pair.key.text else {
                error(pair.key.mark, "\(field): keys must be text, got \(Self.describe(pair.key))")
                continue
            }
            if let allowed, !allowed.contains(key) {
                error(
                    pair.key.mark,
                    "\(field): unknown key '\(key)'" + Suggestion.hint(for: key, in: allowed)
                        + " (allowed: \(allowed.joined(separator: ", ")))")
                continue
            }
            result.append((key, pair.key.mark, pair.value))
        }
        return result
    }

    mutating func string(_ node: YAMLNode, _ field: String) -> String? {
        switch node {
        case .scalar(let s, let plain, _):
            if plain, YAMLNode.plainValue(s) == .null {
                error(node.mark, "\(field): expected a string, got nothing")
                return nil
            }
            return s
        default:
            error(node.mark, "\(field): expected a string, got \(Self.describe(node))")
            return nil
        }
    }

    mutating func strings(_ node: YAMLNode, _ field: String) -> [(String, SourceMark)]? {
        switch node {
        case .scalar:
            return string(node, field).map { [($0, node.mark)] }
        case .sequence(let items, _):
            var out: [(String, SourceMark)] = []
            for item in items {
                if let s = string(item, "\(field)[]") { out.append((s, item.mark)) }
            }
            return out
        case .mapping:
            error(node.mark, "\(field): expected a string or a list of strings, got a map")
            return nil
        }
    }

    mutating func integer(_ node: YAMLNode, _ field: String, minimum: Int = 0) -> Int? {
        if case .scalar(let s, true, _) = node, let n = YAMLNode.plainValue(s).intValue, n >= minimum {
            return n
        }
        let expected = minimum == 0 ? "a non-negative integer" : "an integer ≥ \(minimum)"
        error(node.mark, "\(field): expected \(expected), got \(Self.describe(node))")
        return nil
    }

    mutating func number(_ node: YAMLNode, _ field: String, minimum: Double = 0) -> Double? {
        if case .scalar(let s, true, _) = node, let n = YAMLNode.plainValue(s).numberValue, n >= minimum, n.isFinite {
            return n
        }
        error(node.mark, "\(field): expected a number ≥ \(NumberText.format(minimum)), got \(Self.describe(node))")
        return nil
    }

    mutating func bool(_ node: YAMLNode, _ field: String) -> Bool? {
        if case .scalar(let s, true, _) = node, let b = YAMLNode.plainValue(s).boolValue { return b }
        error(node.mark, "\(field): expected true or false, got \(Self.describe(node))")
        return nil
    }

    mutating func duration(_ node: YAMLNode, _ field: String) -> Duration? {
        if case .scalar(let s, _, _) = node, let d = DurationText.parse(s), d > .zero { return d }
        error(node.mark, "\(field): expected a duration like 90s, 10m, 2h or 1h30m, got \(Self.describe(node))")
        return nil
    }
}
