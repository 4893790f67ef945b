import Foundation

/// `notify:` (a workflow's, or the project file's default) and `sla:`, read with the same reader so
/// every problem carries file:line:column.
enum NotifyDecoding {
    static let ruleKeys = ["on", "webhook", "run"]
    static let webhookKeys = ["url", "secret_env", "format"]

    static func rules(_ node: YAMLNode, _ field: String, reader: inout NodeReader) -> [NotifyRule] {
        guard case .sequence(let items, _) = node else {
            reader.error(node.mark, "\(field): expected a list of `- on: [...]` entries, got \(NodeReader.describe(node))")
            return []
        }
        var out: [NotifyRule] = []
        for (index, item) in items.enumerated() {
            let at = "\(field)[\(index)]"
            guard let pairs = reader.mapping(item, at, allowed: ruleKeys) else { continue }
            let f = Dictionary(pairs.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            var rule = NotifyRule(on: [])
            if let on = f["on"] {
                let names = NotifyEvent.allCases.map(\.rawValue)
                for (name, mark) in reader.strings(on.value, "\(at).on") ?? [] {
                    guard let event = NotifyEvent(rawValue: name) else {
                        reader.error(
                            mark,
                            "\(at).on: unknown event '\(name)'" + Suggestion.hint(for: name, in: names)
                                + " (events: \(names.joined(separator: ", ")))")
                        continue
                    }
                    if !rule.on.contains(event) { rule.on.append(event) }
                }
                if rule.on.isEmpty, case .sequence(let list, _) = on.value, list.isEmpty {
                    reader.error(on.value.mark, "\(at).on: name at least one event (\(names.joined(separator: ", ")))")
                }
            } else {
                reader.error(
                    item.mark,
                    "\(at): missing `on:` (the events to notify: \(NotifyEvent.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if let w = f["webhook"] { rule.webhook = webhook(w.value, "\(at).webhook", reader: &reader) }
            if let r = f["run"], let command = reader.string(r.value, "\(at).run") {
                if command.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    reader.error(r.value.mark, "\(at).run: the command is empty")
                } else {
                    rule.run = command
                }
            }
            if f["webhook"] == nil, f["run"] == nil {
                reader.error(item.mark, "\(at): give `webhook:` (a URL to POST to) or `run:` (a command), or both")
            }
            out.append(rule)
        }
        return out
    }

    private static func webhook(_ node: YAMLNode, _ field: String, reader: inout NodeReader) -> WebhookTarget? {
        guard let pairs = reader.mapping(node, field, allowed: webhookKeys) else { return nil }
        let f = Dictionary(pairs.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        guard let u = f["url"] else {
            reader.error(node.mark, "\(field): missing `url:`")
            return nil
        }
        // Every key is checked even when the URL is wrong: all of a rule's mistakes at once.
        var urlIsGood = false
        let url = reader.string(u.value, "\(field).url") ?? ""
        if case .scalar = u.value, !url.isEmpty {
            let scheme = URLComponents(string: url)?.scheme?.lowercased()
            urlIsGood = (scheme == "http" || scheme == "https") && URLComponents(string: url)?.host?.isEmpty == false
            if !urlIsGood { reader.error(u.value.mark, "\(field).url: expected an http:// or https:// URL with a host, got \"\(url)\"") }
        }
        var target = WebhookTarget(url: url)
        if let s = f["secret_env"], let name = reader.string(s.value, "\(field).secret_env") {
            // A name, not the secret: workflow files are committed.
            if name.isEmpty || name.first!.isNumber || !name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
                reader.error(
                    s.value.mark,
                    "\(field).secret_env: expected the name of an environment variable (letters, digits, '_'), got \"\(name)\"")
            } else {
                target.secretEnv = name
            }
        }
        if let fm = f["format"], let text = reader.string(fm.value, "\(field).format") {
            let names = WebhookTarget.Format.allCases.map(\.rawValue)
            if let format = WebhookTarget.Format(rawValue: text) {
                target.format = format
            } else {
                reader.error(
                    fm.value.mark,
                    "\(field).format: unknown format '\(text)'" + Suggestion.hint(for: text, in: names)
                        + " (formats: \(names.joined(separator: ", ")))")
            }
        }
        return urlIsGood ? target : nil
    }
}

extension WorkflowDecoder {
    /// The hook `decode` calls: the workflow's `notify:` and `sla:`.
    mutating func decodeNotifyKeys(_ fields: [String: (key: String, keyMark: SourceMark, value: YAMLNode)], into workflow: inout Workflow) {
        if let n = fields["notify"] { workflow.notify = NotifyDecoding.rules(n.value, "notify", reader: &reader) }
        if let s = fields["sla"] { workflow.sla = reader.duration(s.value, "sla") }
    }
}
