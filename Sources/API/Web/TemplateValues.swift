/// Turns a template's context (an `Encodable` struct) into the dictionaries, arrays and plain values
/// swift-mustache reads. The library can read a struct's properties itself, with `Mirror`, but each
/// property read resolves the property's type by its mangled name: that cost 5 ms of the 7 ms a run
/// page took (`perf`), a dictionary lookup costs next to nothing. A context property that is nil is
/// left out, and a template then looks the name up in the enclosing contexts: contexts use flags and
/// non-optional values instead.
enum TemplateValues {
    static func encode(_ value: some Encodable) throws -> Any {
        if let plain = plain(value) { return plain }
        let node = Node()
        try value.encode(to: Encoding(node: node, codingPath: []))
        return node.resolved
    }

    /// Strings, flags and numbers stay as they are (and cost no node).
    static func plain(_ value: some Encodable) -> Any? {
        switch value {
        case let text as String: text
        case let flag as Bool: flag
        case let number as Int: number
        case let number as Int64: number
        case let number as Double: number
        default: nil
        }
    }

    /// What a value being encoded became so far: a plain value, a keyed map or a list. Maps and lists
    /// hold finished values, and nodes for the nested containers still being filled.
    final class Node {
        var plain: Any?
        var map: [String: Any]?
        var list: [Any]?
        /// Some values are nodes still (a nested container was asked for).
        var hasNodes = false

        var resolved: Any {
            if let map { return hasNodes ? map.mapValues(Node.resolve) : map }
            if let list { return hasNodes ? list.map(Node.resolve) : list }
            return plain ?? [String: Any]()
        }

        static func resolve(_ value: Any) -> Any { (value as? Node)?.resolved ?? value }
    }

    struct Encoding: Encoder {
        let node: Node
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if node.map == nil { node.map = [:] }
            return KeyedEncodingContainer(Keyed(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if node.list == nil { node.list = [] }
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        func child(_ key: Key) -> Node {
            let child = Node()
            node.hasNodes = true
            node.map?[key.stringValue] = child
            return child
        }

        // Left out: the template then sees no such name.
        mutating func encodeNil(forKey key: Key) throws {}

        mutating func encode(_ value: some Encodable, forKey key: Key) throws {
            node.map?[key.stringValue] = try TemplateValues.encode(value)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            Encoding(node: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            Encoding(node: child(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { Encoding(node: node, codingPath: codingPath) }

        mutating func superEncoder(forKey key: Key) -> any Encoder { Encoding(node: child(key), codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int { node.list?.count ?? 0 }

        func next() -> Node {
            let child = Node()
            node.hasNodes = true
            node.list?.append(child)
            return child
        }

        mutating func encodeNil() throws { node.list?.append([String: Any]()) }

        mutating func encode(_ value: some Encodable) throws { node.list?.append(try TemplateValues.encode(value)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            Encoding(node: next(), codingPath: codingPath).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            Encoding(node: next(), codingPath: codingPath).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { Encoding(node: next(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { node.plain = nil }

        mutating func encode(_ value: some Encodable) throws { node.plain = try TemplateValues.encode(value) }
    }
}
