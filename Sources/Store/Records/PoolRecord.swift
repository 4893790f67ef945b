/// A named limit shared by every worker of a store (`flowrun pools`), with its use now.
public struct PoolRecord: Sendable, Codable, Hashable {
    public var name: String
    /// Steps of the pool that may run at once; nil for a pool that steps name but nobody limited
    /// (unlimited).
    public var slots: Int?
    /// Places taken, as the claim counts them.
    public var inUse: Int
    /// Steps of the pool ready and waiting, and running.
    public var ready: Int
    public var running: Int

    public init(name: String, slots: Int?, inUse: Int, ready: Int, running: Int) {
        self.name = name
        self.slots = slots
        self.inUse = inUse
        self.ready = ready
        self.running = running
    }
}
