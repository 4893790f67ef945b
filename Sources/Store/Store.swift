import Foundation

/// The history and coordination of runs: the single source of truth.
///
/// Every method is one transaction. The store never reads a clock: callers pass `now`, so the
/// engine's injected clock drives leases and retries. It knows the DAG only as `needs` lists, never
/// what a step does. Implementations: ``SQLStore`` over SQLite (embedded default) and PostgreSQL.
public protocol Store: Sendable {
    // MARK: Datasets

    /// Registers a dataset, or returns the existing one with the same content hash (`created == false`).
    func registerDataset(_ dataset: DatasetRecord) async throws -> (record: DatasetRecord, created: Bool)
    func dataset(id: String) async throws -> DatasetRecord?
    func dataset(contentHash: String) async throws -> DatasetRecord?
    /// Newest first.
    func datasets(limit: Int) async throws -> [DatasetRecord]

    // MARK: Runs

    /// Writes the run and all its steps at once: steps without `needs` are `ready`, the rest `pending`.
    /// Fails, writing nothing, when a run with the same `triggerKey` exists.
    func createRun(_ run: RunRecord, steps: [NewStepRun]) async throws
    func run(id: String) async throws -> RunRecord?
    func run(triggerKey: String) async throws -> RunRecord?
    /// Newest first (`createdAt`, then `id`), filtered and paginated by ``RunQuery``.
    func runs(_ query: RunQuery) async throws -> [RunRecord]
    /// The same runs as ``runs(_:)`` without the large columns: what run lists read.
    func runSummaries(_ query: RunQuery) async throws -> [RunSummary]
    /// How many runs are in each state.
    func runCounts() async throws -> [RunState: Int]
    /// How many steps are ready to run and waiting for a worker, over every run.
    func readyStepCount() async throws -> Int
    /// In `position` order.
    func steps(runID: String) async throws -> [StepRunRecord]
    func attempts(runID: String) async throws -> [AttemptRecord]
    func metrics(runID: String) async throws -> [MetricRecord]
    /// Events with `id > after`, oldest first.
    func events(runID: String, after: Int64, limit: Int) async throws -> [EventRecord]
    /// Run ids that start with `prefix`, in id order, at most `limit`: what a run id prefix names.
    func runIDs(prefix: String, limit: Int) async throws -> [String]
    /// A workflow's runs that reported a metric, best value first (one row per run).
    func leaderboard(_ query: LeaderboardQuery) async throws -> [LeaderboardEntry]
    /// The dashboard's runs table: filtered by params, a metric range and dates, sorted, paged.
    func runTable(_ query: RunTableQuery) async throws -> RunTablePage
    /// Appends a free-form event (`kind` `message`) to a run's history.
    func appendEvent(runID: String, stepID: String?, kind: String, message: String, at: Date) async throws

    // MARK: Execution

    /// Takes up to `limit` `ready` steps whose `notBefore` has passed (of `runID` only, when given),
    /// oldest run first, then by position: each becomes `running` with `attempt + 1`, held by `worker`
    /// until `leaseUntil`, with an attempt record; its run becomes `running`. Empty when nothing is
    /// ready. Safe against any number of concurrent claimers in any number of processes.
    func claimReadySteps(worker: String, runID: String?, limit: Int, now: Date, leaseUntil: Date) async throws -> [StepRunRecord]
    /// Extends the lease of a step the worker holds.
    func extendLease(_ key: StepAttemptKey, worker: String, until: Date, now: Date) async throws -> LeaseStatus
    /// Ends attempts, all in one transaction (a group commit). For each: outputs and metrics are
    /// written, dependents whose `needs` are all finished become `ready` (or `upstream_failed` /
    /// `skipped` / `canceled` as their upstreams dictate, transitively), and the run is finished when
    /// all its steps are. Returns, per completion, false — changing nothing for it — when the worker no
    /// longer holds that attempt (its lease expired and was taken back, or the step already finished).
    ///
    /// With `claim`, the same transaction then claims ready steps as
    /// ``claimReadySteps(worker:runID:limit:now:leaseUntil:)`` does — when it made any ready: the
    /// worker that finishes a step takes its dependent without another round trip or a wake-up, and
    /// only steps it did not take wake the other workers. `claimed` is nil when no claim ran (none
    /// asked, or nothing became ready): then only the caller's own claim finds what else is ready.
    func completeSteps(
        _ completions: [StepCompletion], thenClaim claim: ClaimRequest?
    ) async throws -> (applied: [Bool], claimed: [StepRunRecord]?)
    /// Running steps whose lease expired before `now` go back to `ready` (or `failed` when out of
    /// attempts); the attempt is recorded as `lease_expired`. Returns the attempts taken back, with
    /// the program each recorded (the engine stops what is left of it on this machine).
    func recoverExpiredLeases(now: Date) async throws -> [TakenBackAttempt]
    /// Steps held by `worker` — a process known to be dead — are taken back at once, exactly as
    /// ``recoverExpiredLeases(now:)`` does for expired leases.
    func releaseLeases(worker: String, now: Date) async throws -> [TakenBackAttempt]
    /// Records the program an attempt started. False, changing nothing, when no such attempt was
    /// started by `worker`.
    func recordAttemptProcess(_ key: StepAttemptKey, worker: String, process: AttemptProcess) async throws -> Bool
    /// Records the last lines a failing attempt wrote, before its completion. False, changing
    /// nothing, when no such attempt was started by `worker`.
    func recordAttemptExcerpt(_ key: StepAttemptKey, worker: String, excerpt: String) async throws -> Bool
    /// The earliest `notBefore` among ready steps (of `runID`, when given), to sleep until.
    func nextReadyTime(runID: String?) async throws -> Date?

    /// Cancels a run: `pending`/`ready` steps become `canceled`, running ones get `cancelRequested`
    /// (their workers see it in ``extendLease(_:worker:until:now:)``), the run becomes `canceled`.
    /// Throws ``StoreError/conflict(_:)`` when the run already finished.
    func cancelRun(id: String, now: Date) async throws
    /// Resumes a `failed` or `canceled` run: failed, canceled and upstream-failed steps go back to
    /// `pending`/`ready` (attempt counts kept; each gets its full retry budget again), succeeded
    /// ones keep their outputs. Throws ``StoreError/conflict(_:)`` for a run that is not finished or succeeded.
    func retryRun(id: String, now: Date) async throws

    // MARK: Pools

    /// Sets pool `name`'s limit: at most `slots` of its steps run at once across all workers.
    func setPool(name: String, slots: Int) async throws
    /// Forgets a pool's limit (its steps then run unlimited). False when there was none.
    func removePool(name: String) async throws -> Bool
    /// Pools with a limit and pools that ready or running steps name, by name.
    func pools() async throws -> [PoolRecord]
    /// Every running step of every run (what holds slots and pool places now): "why is it waiting?".
    func runningSteps() async throws -> [StepRunRecord]

    // MARK: Step cache

    /// Reusable results with `key` (computed successes not cleared), newest first.
    func cacheEntries(key: String) async throws -> [CacheEntry]
    /// Every reusable result, newest first, at most `limit`.
    func cacheEntries(limit: Int) async throws -> [CacheEntry]
    /// The newest completed attempt of step `stepID` in another run of `workflow` than `runID` that
    /// recorded its key's parts: what "why did it run?" compares with.
    func previousCacheParts(
        workflow: String, stepID: String, excludingRun runID: String
    ) async throws -> (source: StepAttemptKey, partsJSON: String)?
    /// Forgets the entries that finished before `before` (all when nil): they are no longer reused.
    /// Returns how many.
    func clearCache(finishedBefore before: Date?) async throws -> Int
    func cacheUsage() async throws -> CacheUsage

    // MARK: Workers

    func heartbeatWorker(_ worker: WorkerRecord) async throws
    /// Workers whose last heartbeat is after `since`.
    func workers(since: Date) async throws -> [WorkerRecord]
    func removeWorker(name: String) async throws

    /// Yields whenever another process (or this one) made steps ready: PostgreSQL `LISTEN/NOTIFY`.
    /// A store without notifications returns a stream that never yields; workers also poll slowly.
    func readyNotifications() -> AsyncStream<Void>

    /// Releases connections; the store is unusable afterwards.
    func close() async throws
}

extension Store {
    public func claimReadyStep(worker: String, runID: String?, now: Date, leaseUntil: Date) async throws -> StepRunRecord? {
        try await claimReadySteps(worker: worker, runID: runID, limit: 1, now: now, leaseUntil: leaseUntil).first
    }

    public func completeStep(_ completion: StepCompletion) async throws -> Bool {
        try await completeSteps([completion]).first ?? false
    }

    public func completeSteps(_ completions: [StepCompletion]) async throws -> [Bool] {
        try await completeSteps(completions, thenClaim: nil).applied
    }
}

/// What a completion claims afterwards (``Store/completeSteps(_:thenClaim:)``).
public struct ClaimRequest: Sendable {
    public var worker: String
    public var runID: String?
    public var limit: Int
    public var now: Date
    public var leaseUntil: Date

    public init(worker: String, runID: String?, limit: Int, now: Date, leaseUntil: Date) {
        self.worker = worker
        self.runID = runID
        self.limit = limit
        self.now = now
        self.leaseUntil = leaseUntil
    }
}

/// Filters and a cursor for ``Store/runs(_:)``.
public struct RunQuery: Sendable, Hashable {
    public var state: RunState?
    public var workflow: String?
    public var datasetID: String?
    public var limit: Int
    /// Return only runs older than this one (the last id of the previous page).
    public var before: String?

    public init(state: RunState? = nil, workflow: String? = nil, datasetID: String? = nil, limit: Int = 50, before: String? = nil) {
        self.state = state
        self.workflow = workflow
        self.datasetID = datasetID
        self.limit = limit
        self.before = before
    }
}

/// Names one attempt of one step.
public struct StepAttemptKey: Sendable, Hashable, Codable {
    public var runID: String
    public var stepID: String
    public var attempt: Int

    public init(runID: String, stepID: String, attempt: Int) {
        self.runID = runID
        self.stepID = stepID
        self.attempt = attempt
    }
}

/// What ``Store/extendLease(_:worker:until:now:)`` found.
public enum LeaseStatus: Sendable, Hashable {
    /// Still ours; extended.
    case held
    /// Still ours, but the run was canceled: stop the step and complete it as canceled.
    case cancelRequested
    /// No longer ours (expired and taken back, or the step finished): stop without completing.
    case lost
}

/// How an attempt ended, for ``Store/completeStep(_:)``.
public struct StepCompletion: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// Output values are JSON texts.
        case succeeded(outputs: [String: String], metrics: [String: Double])
        /// Succeeded by reusing `from`'s results (the step becomes `cached`).
        case cached(outputs: [String: String], metrics: [String: Double], from: StepAttemptKey)
        /// `retryAt` nil: no more attempts, the step fails; else it becomes `ready` at that time.
        case failed(error: String, exitStatus: Int?, retryAt: Date?)
        /// The step's `if:` was false.
        case skipped(reason: String)
        case canceled(reason: String)
    }

    public var key: StepAttemptKey
    public var worker: String
    public var outcome: Outcome
    public var now: Date
    /// Written on the attempt with its outcome.
    public var cache: AttemptCache?

    public init(key: StepAttemptKey, worker: String, outcome: Outcome, now: Date, cache: AttemptCache? = nil) {
        self.cache = cache
        self.key = key
        self.worker = worker
        self.outcome = outcome
        self.now = now
    }
}

/// Store failures with messages that say what to do.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The operation does not fit the record's state (cancel a finished run).
    case conflict(String)
    case notFound(String)
    /// The database's schema is newer than this binary knows.
    case schemaTooNew(found: Int, supported: Int)
    /// The database cannot be opened or used (corrupt file, read-only, bad URL).
    case unavailable(String)

    public var description: String {
        switch self {
        case .conflict(let m): m
        case .notFound(let m): m
        case .schemaTooNew(let found, let supported):
            "the database schema is version \(found) but this flowrun supports up to \(supported): upgrade flowrun"
        case .unavailable(let m): m
        }
    }
}
