import FlowSpec

/// "Why did it run?": which part of the cache key changed since an earlier attempt of the same
/// workflow step, in words ("param window 50 → 25", "dataset content changed", "flowrun upgraded").
enum CacheWhy {
    /// At most this many changes are named; the rest are counted.
    static let shown = 3

    static func explain(old: CacheKeyParts, new: CacheKeyParts) -> String? {
        var changes: [String] = []
        if old.action != new.action { changes.append("the step changed: \(old.action) → \(new.action)") }
        if old.flowrun != new.flowrun {
            changes.append("flowrun upgraded \(old.flowrun ?? "?") → \(new.flowrun ?? "?")")
        }
        for name in Set(old.with.keys).union(new.with.keys).sorted() where old.with[name] != new.with[name] {
            changes.append(parameterChange(name, old.with[name], new.with[name], isCommand: new.action == "run"))
        }
        for label in Set(old.files.keys).union(new.files.keys).sorted() where old.files[label] != new.files[label] {
            // A file both read under the same label: its bytes changed. A label only one side has is
            // already told by the parameter that names it.
            guard old.files[label] != nil, new.files[label] != nil else { continue }
            changes.append(fileChange(label))
        }
        guard !changes.isEmpty else { return nil }
        let more = changes.count > shown ? " and \(changes.count - shown) more" : ""
        return changes.prefix(shown).joined(separator: "; ") + more
    }

    private static func parameterChange(_ name: String, _ old: String?, _ new: String?, isCommand: Bool) -> String {
        if isCommand, name == "command" { return "the command changed" }
        if isCommand, name == "env", let old, let new,
            case .map(let a)? = Value(jsonText: old), case .map(let b)? = Value(jsonText: new)
        {
            let changed = Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }
            let named = changed.prefix(shown).map { variable -> String in
                let what = variable.hasPrefix("FLOWRUN_PARAM_") ? "param \(variable.dropFirst(14).lowercased())" : "env \(variable)"
                return "\(what) \(show(a[variable])) → \(show(b[variable]))"
            }
            return named.isEmpty ? "the environment changed" : named.joined(separator: "; ")
        }
        return "param \(name) \(show(old.flatMap(Value.init(jsonText:)))) → \(show(new.flatMap(Value.init(jsonText:))))"
    }

    private static func fileChange(_ label: String) -> String {
        if label.hasPrefix("inputs.") {
            let name = label.dropFirst("inputs.".count)
            return name == "dataset" ? "dataset content changed" : "input \(name) content changed"
        }
        if label.hasPrefix("steps."), let slash = label.firstIndex(of: "/") {
            let step = label[label.index(label.startIndex, offsetBy: 6)..<slash]
            return "\(step)'s output \(label[label.index(after: slash)...]) changed"
        }
        return "file \(label) changed"
    }

    private static func show(_ value: Value?) -> String {
        guard let value else { return "(none)" }
        if case .string(let s) = value, s.hasPrefix("file:") { return String(s.dropFirst(5)) }
        let text = value.interpolated
        return text.count > 40 ? text.prefix(37) + "…" : text.isEmpty ? "\"\"" : text
    }
}
