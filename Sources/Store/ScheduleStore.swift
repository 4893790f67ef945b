import Foundation

/// What the scheduler and backfill groups keep in the store (migration "schedules and run groups").
/// A protocol of its own beside ``Store``: only ``SQLStore`` implements it, and the engine asks for it
/// where it needs it.
public protocol ScheduleStore: Sendable {
    // MARK: Schedules

    /// The last tick handled (run or skipped) of each scheduled workflow.
    func scheduleStates() async throws -> [ScheduleStateRecord]
    /// Records `tick` as where `workflow`'s schedule starts counting, unless a state exists; returns
    /// the stored state either way.
    func startScheduleState(workflow: String, tick: Date, now: Date) async throws -> ScheduleStateRecord
    /// Moves `workflow`'s last tick to `tick` when it was earlier. True when this call moved it: of
    /// several schedulers handling one tick, exactly one gets true.
    func advanceSchedule(workflow: String, to tick: Date, now: Date) async throws -> Bool
    /// Runs of `workflow` whose trigger key starts with `keyPrefix` and that are not finished.
    func unfinishedRuns(workflow: String, keyPrefix: String) async throws -> [RunRecord]
    /// The newest run of `workflow` whose trigger key starts with `keyPrefix`.
    func latestRun(workflow: String, keyPrefix: String) async throws -> RunRecord?

    // MARK: Run groups

    func createGroup(_ group: RunGroupRecord) async throws
    func group(id: String) async throws -> RunGroupRecord?
    /// Newest first; of one workflow and in one state when given.
    func groups(limit: Int, workflow: String?, state: RunGroupState?) async throws -> [RunGroupRecord]
    /// Every active group that may still hold datasets back, oldest first: however many groups
    /// the store keeps (a scan of the newest 1,000 never saw an older group again).
    func groupsHoldingBack() async throws -> [RunGroupRecord]
    /// Sets the group's state; false when no such group.
    func setGroupState(id: String, state: RunGroupState) async throws -> Bool
    /// Moves `released` from `from` to `to` (of `total` datasets; at `total` the group no longer
    /// holds any back); false when another process moved it first.
    func advanceGroupReleased(id: String, from: Int, to: Int, total: Int) async throws -> Bool
    /// Marks a run as a member of a group.
    func setRunGroup(runID: String, groupID: String) async throws
    /// The group's runs, oldest first.
    func groupRuns(groupID: String) async throws -> [RunSummary]
}

/// Where a workflow's schedule stands.
public struct ScheduleStateRecord: Sendable, Hashable {
    public var workflow: String
    /// The newest tick handled (started or skipped).
    public var lastTick: Date
    public var updatedAt: Date

    public init(workflow: String, lastTick: Date, updatedAt: Date) {
        self.workflow = workflow
        self.lastTick = lastTick
        self.updatedAt = updatedAt
    }
}

/// `active`: runs are released up to `maxParallel`; `paused`: none is; `canceled`: none will be.
public enum RunGroupState: String, Sendable, Codable, CaseIterable {
    case active, paused, canceled
}

/// A backfill: one run per dataset, released `maxParallel` at a time.
public struct RunGroupRecord: Sendable, Hashable {
    public var id: String
    public var workflowName: String
    public var paramsJSON: String
    /// The datasets, in the order their runs are released.
    public var datasetIDs: [String]
    public var maxParallel: Int
    public var state: RunGroupState
    /// How many of `datasetIDs` have been submitted as runs.
    public var released: Int
    public var createdAt: Date
    /// What selected the datasets (`--datasets`, `--since`, `--until`), for people.
    public var selection: String

    public init(
        id: String, workflowName: String, paramsJSON: String, datasetIDs: [String], maxParallel: Int,
        state: RunGroupState = .active, released: Int = 0, createdAt: Date, selection: String
    ) {
        self.id = id
        self.workflowName = workflowName
        self.paramsJSON = paramsJSON
        self.datasetIDs = datasetIDs
        self.maxParallel = maxParallel
        self.state = state
        self.released = released
        self.createdAt = createdAt
        self.selection = selection
    }
}
