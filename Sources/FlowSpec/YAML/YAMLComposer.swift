// libyaml through Yams' C module: see the note on the FlowSpec target in Package.swift.
import CYaml

/// Builds a ``YAMLNode`` tree from libyaml's events, with the limits that keep hostile input cheap:
/// a node budget that counts alias expansions (so a "billion laughs" file is refused after a few
/// thousand nodes, not after gigabytes), a nesting depth limit, and duplicate keys reported at the
/// repeat (Yams reports them at the first occurrence, which points at the wrong line).
struct YAMLComposer {
    struct Limits {
        var maxNodes = 200_000
        var maxDepth = 64
    }

    struct Failure: Error {
        let mark: SourceMark
        let message: String
    }

    private var parser = yaml_parser_t()
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var nodeCount = 0
    private let limits: Limits
    private(set) var duplicates: [SpecDiagnosticDraft] = []

    /// Parses the first document of `text`. Returns nil for an empty document.
    static func compose(_ text: String, limits: Limits = Limits()) throws(Failure) -> (YAMLNode?, [SpecDiagnosticDraft]) {
        var composer = YAMLComposer(limits: limits)
        return try composer.run(text)
    }

    private init(limits: Limits) {
        self.limits = limits
    }

    private mutating func run(_ text: String) throws(Failure) -> (YAMLNode?, [SpecDiagnosticDraft]) {
        guard yaml_parser_initialize(&parser) == 1 else { throw Failure(mark: SourceMark(line: 1, column: 1), message: "out of memory") }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { (buffer) throws(Failure) -> (YAMLNode?, [SpecDiagnosticDraft]) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var root: YAMLNode?
            loop: while true {
                var event = try next()
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_START_EVENT, YAML_DOCUMENT_START_EVENT: continue
                case YAML_STREAM_END_EVENT, YAML_DOCUMENT_END_EVENT: break loop
                default:
                    root = try node(from: &event, depth: 0).node
                }
            }
            return (root, duplicates)
        }
    }

    private mutating func next() throws(Failure) -> yaml_event_t {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else {
            let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
            let context = parser.context.map { String(cString: $0) }
            let mark = SourceMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
            throw Failure(mark: mark, message: context.map { "\(problem) \($0)" } ?? problem)
        }
        return event
    }

    private static func mark(_ m: yaml_mark_t) -> SourceMark {
        SourceMark(line: Int(m.line) + 1, column: Int(m.column) + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int? = nil) -> String? {
        guard let pointer else { return nil }
        if let length {
            return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
        }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    private mutating func count(_ n: Int, at mark: SourceMark) throws(Failure) {
        nodeCount += n
        if nodeCount > limits.maxNodes {
            throw Failure(mark: mark, message: "document too large: more than \(limits.maxNodes) nodes (after expanding aliases)")
        }
    }

    /// Composes the node that starts with `event`; returns it and its size in nodes.
    private mutating func node(from event: inout yaml_event_t, depth: Int) throws(Failure) -> (node: YAMLNode, size: Int) {
        let start = Self.mark(event.start_mark)
        guard depth <= limits.maxDepth else { throw Failure(mark: start, message: "nesting deeper than \(limits.maxDepth) levels") }
        switch event.type {
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else { throw Failure(mark: start, message: "unknown alias '*\(name)'") }
            try count(anchored.size, at: start)
            return anchored

        case YAML_SCALAR_EVENT:
            try count(1, at: start)
            let text = Self.string(event.data.scalar.value, length: Int(event.data.scalar.length)) ?? ""
            let plain = event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && event.data.scalar.tag == nil
            let result = (YAMLNode.scalar(text, plain: plain, mark: start), 1)
            if let anchor = Self.string(event.data.scalar.anchor) { anchors[anchor] = result }
            return result

        case YAML_SEQUENCE_START_EVENT:
            try count(1, at: start)
            let anchor = Self.string(event.data.sequence_start.anchor)
            var items: [YAMLNode] = []
            var size = 1
            while true {
                var child = try next()
                defer { yaml_event_delete(&child) }
                if child.type == YAML_SEQUENCE_END_EVENT { break }
                let composed = try node(from: &child, depth: depth + 1)
                items.append(composed.node)
                size += composed.size
            }
            let result = (YAMLNode.sequence(items, mark: start), size)
            if let anchor { anchors[anchor] = result }
            return result

        case YAML_MAPPING_START_EVENT:
            try count(1, at: start)
            let anchor = Self.string(event.data.mapping_start.anchor)
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var seen: [String: SourceMark] = [:]
            var size = 1
            while true {
                var keyEvent = try next()
                defer { yaml_event_delete(&keyEvent) }
                if keyEvent.type == YAML_MAPPING_END_EVENT { break }
                let key = try node(from: &keyEvent, depth: depth + 1)
                var valueEvent = try next()
                defer { yaml_event_delete(&valueEvent) }
                let value = try node(from: &valueEvent, depth: depth + 1)
                size += key.size + value.size
                if let name = key.node.text {
                    if let first = seen[name] {
                        duplicates.append(
                            SpecDiagnosticDraft(
                                mark: key.node.mark,
                                message: "duplicate key '\(name)' (first defined at line \(first.line), column \(first.column))"))
                        continue
                    }
                    seen[name] = key.node.mark
                }
                pairs.append((key.node, value.node))
            }
            let result = (YAMLNode.mapping(pairs, mark: start), size)
            if let anchor { anchors[anchor] = result }
            return result

        default:
            throw Failure(mark: start, message: "unexpected YAML event")
        }
    }
}

/// A diagnostic before the file name is known.
struct SpecDiagnosticDraft: Sendable {
    var mark: SourceMark
    var message: String
    var severity: SpecDiagnostic.Severity = .error
}
