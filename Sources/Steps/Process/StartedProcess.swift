/// A program a step started, as it tells the engine (``StepContext/processStarted(_:)``): enough
/// for the engine to record it and, after a crash, to find and stop the program's process group on
/// this machine before the step runs again.
public struct StartedProcess: Sendable, Hashable {
    /// The program's pid.
    public var pid: Int32
    /// Its process group (everything the program starts is in it unless it leaves on purpose).
    public var processGroup: Int32
    /// When the group's leader started, in clock ticks after boot (``ProcessTable/startTicks(of:)``):
    /// what tells this group from a later one that reuses its number. Nil when it could not be read.
    public var leaderStartTicks: UInt64?

    public init(pid: Int32, processGroup: Int32, leaderStartTicks: UInt64?) {
        self.pid = pid
        self.processGroup = processGroup
        self.leaderStartTicks = leaderStartTicks
    }
}
