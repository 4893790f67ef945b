/// `pools:` in flowrun.yaml: `pools: { gpu: 2, licenses: 5 }` — each pool's limit, the steps of
/// it that may run at once across every worker of the store (docs/scheduling.md).
extension ProjectFile {
    static func decodePools(_ node: YAMLNode, reader: inout NodeReader) -> [String: Int] {
        var pools: [String: Int] = [:]
        for (name, keyMark, value) in reader.mapping(node, "pools") ?? [] {
            guard PoolName.isValid(name) else {
                reader.error(keyMark, "pools: \(PoolName.rule), got \"\(name)\"")
                continue
            }
            if let limit = reader.integer(value, "pools.\(name)", minimum: 1) { pools[name] = limit }
        }
        return pools
    }
}
