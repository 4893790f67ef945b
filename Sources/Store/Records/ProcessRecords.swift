/// Where a process id names one process: one host, in one boot, in one pid namespace. Two processes
/// may compare pids (and signal each other's) only when their `Machine`s are equal.
public struct Machine: Sendable, Codable, Hashable {
    public var host: String
    /// `/proc/sys/kernel/random/boot_id`: a new one at every boot, when pids start over.
    public var bootID: String
    /// The pid namespace (`/proc/self/ns/pid`, e.g. `pid:[4026531836]`): containers on one host share
    /// its boot and may share its host name (host networking), but not their pids.
    public var pidNamespace: String

    public init(host: String, bootID: String, pidNamespace: String) {
        self.host = host
        self.bootID = bootID
        self.pidNamespace = pidNamespace
    }
}

/// The program an attempt started (a `run:` step's command): recorded when it starts, so that a
/// process that takes the step back on the same machine can stop what is left of it.
public struct AttemptProcess: Sendable, Codable, Hashable {
    public var machine: Machine
    /// The program's pid.
    public var pid: Int32
    /// Its process group (the id of the group's leader, flowrun's guard process).
    public var processGroup: Int32
    /// When the group's leader started, in clock ticks after boot: tells this group from a later
    /// one that reuses the number. Nil when it could not be read.
    public var leaderStartTicks: UInt64?

    public init(machine: Machine, pid: Int32, processGroup: Int32, leaderStartTicks: UInt64?) {
        self.machine = machine
        self.pid = pid
        self.processGroup = processGroup
        self.leaderStartTicks = leaderStartTicks
    }
}

/// A running attempt that ``Store/recoverExpiredLeases(now:)`` or ``Store/releaseLeases(worker:now:)``
/// took back, with the program it had started, if it recorded one.
public struct TakenBackAttempt: Sendable, Hashable {
    public var key: StepAttemptKey
    /// The worker that held it.
    public var worker: String
    public var process: AttemptProcess?

    public init(key: StepAttemptKey, worker: String, process: AttemptProcess?) {
        self.key = key
        self.worker = worker
        self.process = process
    }
}
