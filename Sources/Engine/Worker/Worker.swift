import FlowSpec
import Foundation
import Logging
import Store

/// Claims ready steps from the store and runs them: the loop of "the life of a run".
///
/// Steps run while their slots fit in the worker's `slots` (a step takes `cpu:` slots, one by
/// default; the claim picks only steps that fit, SQLStore+Pools.swift). Completions that arrive together are written in one
/// transaction (a group commit), which is what lets thousands of short steps a second through.
/// While a step runs, its lease is extended every `heartbeatInterval`; a canceled run is noticed
/// there and the step is stopped. Expired leases of dead workers are taken back on every heartbeat,
/// and at start the steps of workers known to be dead (``Engine/takeBackFromDeadWorkers(replacing:machine:)``).
public actor Worker {
    public struct Options: Sendable {
        /// Unique among live workers: `host:pid` by default.
        public var name: String
        /// Slots this worker fills with steps (a step takes its `cpu:`); default 4 × cores, since
        /// most steps wait on programs, files or the store rather than compute.
        public var slots: Int
        /// The former name of ``slots`` (`--concurrency`), kept for callers.
        public var concurrency: Int {
            get { slots }
            set { slots = max(1, newValue) }
        }
        public var leaseDuration: Duration
        public var heartbeatInterval: Duration
        /// The safety-net poll when no wake-up arrives.
        public var pollInterval: Duration
        /// Only this run's steps; the worker returns when the run has finished.
        public var runID: String?

        /// The default slots of a worker on this machine: 4 × its cores.
        public static var defaultSlots: Int { 4 * max(1, ProcessInfo.processInfo.activeProcessorCount) }

        public init(
            name: String = Worker.defaultName(), concurrency: Int = Options.defaultSlots,
            leaseDuration: Duration = .seconds(30), heartbeatInterval: Duration = .seconds(10),
            pollInterval: Duration = .seconds(2), runID: String? = nil
        ) {
            self.name = name
            self.slots = max(1, concurrency)
            self.leaseDuration = leaseDuration
            self.heartbeatInterval = heartbeatInterval
            self.pollInterval = pollInterval
            self.runID = runID
        }
    }

    public let options: Options
    private let engine: Engine
    private let executor: StepExecutor
    private var inFlight: [StepAttemptKey: InFlight] = [:]
    /// Slots held by the steps in flight, and slots promised to a claim that has not answered yet
    /// (the loop's claim and a completion's claim may be in flight at once: the actor is reentrant).
    private var usedSlots = 0
    private var reservedSlots = 0
    private var freeSlots: Int { options.slots - usedSlots - reservedSlots }
    private var pending: [StepCompletion] = []
    private var flushing = false
    private var woken = false
    private var draining = false
    private var waiter: CheckedContinuation<Void, Never>?
    /// Cancels the claiming loop's store call in flight (``drainable(_:)``).
    private var loopCall: (@Sendable () -> Void)?
    private let startedAt: Date
    private let logger = Logger(label: "flowrun.worker")
    /// Store calls in flight and the last that failed: written with each heartbeat (health).
    private var storeCalls = StoreCallLedger()

    /// The claiming loop's and the completions' retries: what of them is logged.
    private var claimWarnings = RetryWarnings()
    private var recordWarnings = RetryWarnings()

    private struct InFlight {
        let task: Task<Void, Never>
        let stop: StopFlag
        let startedAt: Date
        let cpu: Int
        /// When the step ended and its completion began waiting to be written.
        var endedAt: Date?
        /// The watchdog stopped extending its lease.
        var abandoned = false
    }

    public init(engine: Engine, options: Options = Options()) {
        self.engine = engine
        self.options = options
        self.executor = StepExecutor(engine: engine, plans: RunPlanCache(engine: engine))
        self.startedAt = engine.clock.now()
    }

    public static func defaultName() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    /// Wakes the worker to look for ready steps now (called after a submit or a completion).
    public nonisolated func wake() {
        Task { await self.signal() }
    }

    /// Runs until the task is canceled (or, with `runID`, until that run has finished). On cancel,
    /// steps in flight are stopped and left to their leases.
    public func run() async throws {
        let store = engine.store
        let clock = engine.clock
        // Before this worker's row is written: a dead former self under the same name is found too.
        try await engine.takeBackFromDeadWorkers(replacing: options.name)
        try await store.heartbeatWorker(workerRecord())
        try await engine.takeBackExpiredLeases(now: clock.now())
        let heartbeat = Task { await self.heartbeatLoop() }
        let notifications = store.readyNotifications()
        let listener = Task { [weak self] in
            for await _ in notifications { await self?.signal() }
        }
        defer {
            heartbeat.cancel()
            listener.cancel()
        }

        while !Task.isCancelled {
            if draining {
                if inFlight.isEmpty && pending.isEmpty { break }
                await waitForWake(timeout: options.pollInterval)
                continue
            }
            let free = freeSlots
            var claimed: [StepRunRecord] = []
            if free > 0 {
                reservedSlots += free
                let now = clock.now()
                do {
                    let (name, runID, leaseUntil) = (options.name, options.runID, now.addingTimeInterval(options.leaseDuration.seconds))
                    claimed = try await storeCall("claim steps") {
                        try await drainable {
                            try await store.claimReadySteps(worker: name, runID: runID, limit: free, now: now, leaseUntil: leaseUntil)
                        }
                    }
                    reservedSlots -= free
                } catch {
                    reservedSlots -= free
                    // Canceled by drain(): nothing to report, nothing to wait for.
                    if draining { continue }
                    // The store is unreachable (a restarting PostgreSQL, a full disk): wait and try again.
                    let text = ErrorText.of(error)
                    let said = claimWarnings.failed(text, at: clock.now())
                    if said.log {
                        logger.warning(
                            "cannot claim steps: \(text); trying again every 0.5 s\(said.note)", metadata: ["worker": "\(options.name)"])
                    }
                    try? await clock.sleep(for: .milliseconds(500))
                    continue
                }
                if let line = claimWarnings.succeeded(at: clock.now()) {
                    logger.info("claiming steps \(line)", metadata: ["worker": "\(options.name)"])
                }
                for step in claimed { start(step) }
            }
            // Asked only when nothing was claimed: a round trip less on the path of every chained step.
            if claimed.isEmpty, let runID = options.runID, inFlight.isEmpty, pending.isEmpty, !draining,
                try await drainable({ try await store.run(id: runID)?.state.isFinished ?? true })
            {
                break
            }
            if draining { continue }
            if freeSlots <= 0 {
                // Full: only a finished step frees a slot, and it signals; no retry time to ask for.
                await waitForWake(timeout: options.pollInterval)
            } else if claimed.isEmpty {
                await waitForWake(timeout: try await idleTimeout())
            }
        }
        for (_, entry) in inFlight {
            entry.stop.set(.shutdown)
            entry.task.cancel()
        }
        // Bounded: a store that is gone must not hold up a stopping worker.
        let name = options.name
        do { try await withTimeout(.seconds(1)) { try await store.removeWorker(name: name) } } catch {
            // Harmless: the row ages out of the live workers after a minute without heartbeats.
            logger.warning("cannot remove this worker's row: \(ErrorText.of(error))", metadata: ["worker": "\(options.name)"])
        }
    }

    /// Stops claiming; ``run()`` returns once the steps in flight have finished and been recorded.
    public func drain() {
        draining = true
        loopCall?()
        signal()
    }

    /// Runs one store call of the claiming loop so that ``drain()`` can cancel it: a draining worker
    /// with no steps left stops at once instead of waiting out a call to a database that is gone
    /// (a statement in flight waits up to its 30 s deadline, a call up to its 30 s retry window).
    private func drainable<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let once = ResultOnce<T>()
        let task = Task { once.finish(await Result(catching: body)) }
        // Not awaited once canceled: a statement in flight ends only at its deadline (30 s). A claim
        // that lands after all holds its steps under this worker's lease, which then hands them on.
        let abandon: @Sendable () -> Void = {
            task.cancel()
            once.finish(.failure(CancellationError()))
        }
        loopCall = abandon
        if draining { abandon() }
        defer { loopCall = nil }
        return try await withTaskCancellationHandler {
            try await once.value()
        } onCancel: {
            abandon()
        }
    }

    /// Steps currently running in this worker.
    public var heldSteps: [StepAttemptKey] { Array(inFlight.keys) }

    // MARK: Executing

    private func start(_ step: StepRunRecord) {
        let key = StepAttemptKey(runID: step.runID, stepID: step.stepID, attempt: step.attempt)
        let stop = StopFlag()
        let executor = self.executor
        let task = Task {
            let (outcome, cache) = await executor.execute(step) { stop.reason }
            await self.finished(key, outcome: outcome, cache: cache, stop: stop.reason)
        }
        inFlight[key] = InFlight(task: task, stop: stop, startedAt: engine.clock.now(), cpu: step.cpu)
        usedSlots += step.cpu
    }

    private func finished(
        _ key: StepAttemptKey, outcome: StepCompletion.Outcome, cache: AttemptCache?, stop: StepExecutor.StopReason?
    ) async {
        if stop == .leaseLost || stop == .shutdown {
            if let gone = inFlight.removeValue(forKey: key) { usedSlots -= gone.cpu }
            signal()
            return
        }
        pending.append(StepCompletion(key: key, worker: options.name, outcome: outcome, now: engine.clock.now(), cache: cache))
        inFlight[key]?.endedAt = engine.clock.now()
        if !flushing {
            // A fresh task: the step's own task may be canceled, and its cancellation must not
            // reach the store writes that record the outcome.
            flushing = true
            Task { await self.flush() }
        }
    }

    /// Writes every pending completion in one transaction, repeatedly, until none is left.
    private func flush() async {
        defer { flushing = false }
        // Whether the claiming loop must look for work: not when every batch's own claim ran and
        // left slots unfilled — it saw nothing else ready, and what becomes ready later wakes this
        // worker anyway (a notification, a submit, the poll). Woken for nothing, the loop asked the
        // store twice per chained step (a claim that came back empty, the next retry time).
        var claimNeeded = false
        while !pending.isEmpty {
            let batch = pending
            pending.removeAll()
            var claimedAfter: [StepRunRecord] = []
            // The slots this batch frees (and any free already) claim in the same transaction (none while draining).
            let freed = batch.reduce(0) { $0 + (inFlight[$1.key]?.cpu ?? 0) }
            let offer = draining ? 0 : max(0, freeSlots + freed)
            reservedSlots += offer
            do {
                let now = engine.clock.now()
                let claim =
                    offer == 0
                    ? nil
                    : ClaimRequest(
                        worker: options.name, runID: options.runID, limit: offer, now: now,
                        leaseUntil: now.addingTimeInterval(options.leaseDuration.seconds))
                let claimed = try await storeCall("complete steps") { try await engine.store.completeSteps(batch, thenClaim: claim) }
                    .claimed
                claimedAfter = claimed ?? []
                if claimed == nil || claimedAfter.reduce(0, { $0 + $1.cpu }) >= offer { claimNeeded = true }
                reservedSlots -= offer
            } catch {
                reservedSlots -= offer
                // Keep the completions: the attempt still holds its lease until it expires.
                let text = ErrorText.of(error)
                let said = recordWarnings.failed(text, at: engine.clock.now())
                if said.log {
                    logger.warning(
                        "cannot record \(batch.count) completion(s): \(text); trying again every 0.5 s\(said.note)",
                        metadata: [
                            "worker": "\(options.name)",
                            "steps":
                                "\(batch.map { "\($0.key.runID)/\($0.key.stepID)#\($0.key.attempt)" }.prefix(10).joined(separator: ","))",
                        ])
                    for completion in batch {
                        RunLog.note(
                            "cannot record \(completion.key.stepID) attempt \(completion.key.attempt): \(text); retrying\(said.note)",
                            run: completion.key.runID, at: engine.clock.now(), layout: engine.layout)
                    }
                }
                pending.insert(contentsOf: batch, at: 0)
                try? await engine.clock.sleep(for: .milliseconds(500))
                continue
            }
            if let line = recordWarnings.succeeded(at: engine.clock.now()) {
                logger.info("recording completions \(line)", metadata: ["worker": "\(options.name)"])
            }
            var started: [StepAttemptKey: Date] = [:]
            for completion in batch {
                let gone = inFlight.removeValue(forKey: completion.key)
                started[completion.key] = gone?.startedAt
                usedSlots -= gone?.cpu ?? 0
            }
            RunLog.append(batch, startedAt: started, layout: engine.layout)
            for step in claimedAfter { start(step) }
        }
        if claimNeeded || draining { signal() }
        engine.onWork()
    }

    // MARK: Waiting

    private func signal() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            woken = true
        }
    }

    private func waitForWake(timeout: Duration) async {
        if woken {
            woken = false
            return
        }
        let clock = engine.clock
        let timer = Task { [weak self] in
            try? await clock.sleep(for: timeout)
            if !Task.isCancelled { await self?.signal() }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter = $0 }
        } onCancel: {
            Task { await self.signal() }
        }
        woken = false
        timer.cancel()
    }

    /// How long to sleep when idle: until the next retry is due, at most the poll interval.
    private func idleTimeout() async throws -> Duration {
        let runID = options.runID
        let store = engine.store
        guard let next = try? await storeCall("next ready time", { try await drainable { try await store.nextReadyTime(runID: runID) } })
        else {
            return options.pollInterval
        }
        let wait = next.timeIntervalSince(engine.clock.now())
        return wait <= 0 ? .milliseconds(1) : min(options.pollInterval, .milliseconds(Int64(wait * 1000) + 1))
    }

    // MARK: Leases

    private func heartbeatLoop() async {
        let clock = engine.clock
        while !Task.isCancelled {
            do { try await clock.sleep(for: options.heartbeatInterval) } catch { return }
            await heartbeat()
        }
    }

    /// Extends the leases of running steps (not of one whose completion has waited longer than a
    /// lease: the watchdog), stops those whose run was canceled or whose lease was lost, records
    /// this worker as alive, and takes back expired leases of dead workers.
    public func heartbeat() async {
        let store = engine.store
        let now = engine.clock.now()
        for (key, entry) in inFlight {
            if let ended = entry.endedAt, now.timeIntervalSince(ended) > options.leaseDuration.seconds {
                // The watchdog: a completion unwritten for longer than a lease is a store call that
                // does not return (or a database away that long). Extending the lease would hold the
                // step for ever; letting it lapse hands the step to the takeback rules.
                if !entry.abandoned {
                    inFlight[key]?.abandoned = true
                    let message =
                        "watchdog: the completion of \(key.stepID) attempt \(key.attempt) has not been written for "
                        + "\(Int(now.timeIntervalSince(ended))) s, longer than the lease (\(options.leaseDuration)): "
                        + "no longer extending its lease; the step will be taken back and run again"
                    logger.error(
                        "\(message)",
                        metadata: [
                            "run": "\(key.runID)", "step": "\(key.stepID)",
                            "attempt": "\(key.attempt)", "worker": "\(options.name)",
                        ])
                    RunLog.note(message, run: key.runID, at: now, layout: engine.layout)
                }
                continue
            }
            let status: LeaseStatus?
            do {
                status = try await storeCall("extend lease") {
                    try await store.extendLease(
                        key, worker: options.name, until: now.addingTimeInterval(options.leaseDuration.seconds), now: now)
                }
            } catch {
                status = nil
                logger.warning(
                    "cannot extend the lease: \(ErrorText.of(error)); the next heartbeat tries again",
                    metadata: ["run": "\(key.runID)", "step": "\(key.stepID)", "attempt": "\(key.attempt)", "worker": "\(options.name)"])
            }
            switch status {
            case .cancelRequested?:
                entry.stop.set(.canceled)
                entry.task.cancel()
            case .lost?:
                entry.stop.set(.leaseLost)
                entry.task.cancel()
            case .held?, nil:
                break
            }
        }
        let record = workerRecord()
        do { try await storeCall("heartbeat") { try await store.heartbeatWorker(record) } } catch {
            logger.warning("cannot record this worker's heartbeat: \(ErrorText.of(error))", metadata: ["worker": "\(options.name)"])
        }
        do {
            if !(try await storeCall("take back expired leases") { try await engine.takeBackExpiredLeases(now: now) }).isEmpty { signal() }
        } catch {
            logger.warning("cannot take back expired leases: \(ErrorText.of(error))", metadata: ["worker": "\(options.name)"])
        }
    }

    private func workerRecord() -> WorkerRecord {
        WorkerRecord(
            name: options.name, host: Machine.local.host, startedAt: startedAt,
            lastHeartbeat: engine.clock.now(), stepsHeld: inFlight.count,
            process: WorkerProcess(machine: .local, pid: getpid()), concurrency: options.slots,
            oldestCall: storeCalls.oldest, lastError: storeCalls.lastError)
    }

    /// Runs one store call noted in the ledger: in flight until it returns (the heartbeat writes the
    /// oldest, so a call that never returns shows its age in /api/health), its failure as the last
    /// error. The hold `<worker name>: <call>` (``Failpoints/hold(_:)``) stands for a call that does not return.
    private func storeCall<T>(_ call: String, _ body: () async throws -> T) async throws -> T {
        let id = storeCalls.begin(call, at: engine.clock.now())
        defer { storeCalls.end(id) }
        do {
            await Failpoints.pass("\(options.name): \(call)")
            return try await body()
        } catch {
            storeCalls.failed(call, error, at: engine.clock.now())
            throw error
        }
    }

    /// This worker's store calls in flight and last store error, as its next heartbeat writes them.
    public var storeCallHealth: (oldest: WorkerStoreCall?, lastError: WorkerStoreError?) {
        (storeCalls.oldest, storeCalls.lastError)
    }
}

/// Why a running step is being stopped, set from the heartbeat and read by the executor.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value: StepExecutor.StopReason?

    var reason: StepExecutor.StopReason? { lock.withLock { value } }
    func set(_ reason: StepExecutor.StopReason) { lock.withLock { if value == nil { value = reason } } }
}
