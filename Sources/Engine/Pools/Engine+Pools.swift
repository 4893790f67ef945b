import FlowSpec
import Store

/// Pools through the engine (the one door): `flowrun pools`, `pools:` in flowrun.yaml, /metrics.
extension Engine {
    /// Sets a pool's limit; refuses a bad name or a limit below 1.
    public func setPool(name: String, slots: Int) async throws {
        guard PoolName.isValid(name) else { throw EngineError.badParam("pool '\(name)': \(PoolName.rule)") }
        guard slots >= 1 else { throw EngineError.badParam("pool '\(name)': the limit must be at least 1, got \(slots)") }
        try await store.setPool(name: name, slots: slots)
        onWork()
    }

    /// Forgets a pool's limit: its steps run unlimited. False when it had none.
    public func removePool(name: String) async throws -> Bool {
        let removed = try await store.removePool(name: name)
        if removed { onWork() }
        return removed
    }

    public func pools() async throws -> [PoolRecord] { try await store.pools() }

    /// Applies flowrun.yaml's `pools:` (the declared limits win at each start of a command that
    /// runs steps; pools the file does not name are left as `flowrun pools set` made them).
    public func applyPools(_ pools: [String: Int]) async throws {
        let current = Dictionary(try await store.pools().compactMap { p in p.slots.map { (p.name, $0) } }, uniquingKeysWith: { a, _ in a })
        for (name, slots) in pools.sorted(by: { $0.key < $1.key }) where current[name] != slots {
            try await store.setPool(name: name, slots: slots)
        }
    }
}
