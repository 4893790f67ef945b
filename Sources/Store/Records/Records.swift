import Foundation

/// A registered input file, identified by its content hash so one upload is one dataset.
public struct DatasetRecord: Sendable, Codable, Hashable {
    public var id: String
    public var path: String
    public var sizeBytes: Int64
    /// Lowercase hex SHA-256 of the file's bytes.
    public var contentHash: String
    /// JSON text: columns, row count, data-quality summary (whatever the registering code knows).
    public var schemaJSON: String
    public var registeredAt: Date
    /// `ok`, or `rejected` with ``rejectReason`` (a file the watcher could not read).
    public var status: String
    public var rejectReason: String?

    public init(
        id: String, path: String, sizeBytes: Int64, contentHash: String, schemaJSON: String = "{}",
        registeredAt: Date, status: String = "ok", rejectReason: String? = nil
    ) {
        self.id = id
        self.path = path
        self.sizeBytes = sizeBytes
        self.contentHash = contentHash
        self.schemaJSON = schemaJSON
        self.registeredAt = registeredAt
        self.status = status
        self.rejectReason = rejectReason
    }
}

/// One execution of a workflow.
public struct RunRecord: Sendable, Codable, Hashable {
    public var id: String
    public var workflowName: String
    /// The exact YAML text the run was planned from, and its SHA-256.
    public var workflowYAML: String
    public var workflowHash: String
    /// JSON object texts.
    public var paramsJSON: String
    public var inputsJSON: String
    public var datasetID: String?
    public var trigger: Trigger
    public var state: RunState
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var error: String?
    /// At most one run per key: what makes a trigger's submission idempotent (the watcher's
    /// `watch:<workflow>:<content hash>`, an API client's `Idempotency-Key`).
    public var triggerKey: String?
    /// False when the run was submitted with caching off (`--no-cache`): every step runs.
    public var cache: Bool
    /// Higher is claimed first (`priority:`, `--priority`); see docs/scheduling.md for aging.
    public var priority: Int

    public init(
        id: String, workflowName: String, workflowYAML: String, workflowHash: String,
        paramsJSON: String, inputsJSON: String, datasetID: String?, trigger: Trigger,
        state: RunState = .queued, createdAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil,
        error: String? = nil, triggerKey: String? = nil, cache: Bool = true, priority: Int = 0
    ) {
        self.priority = priority
        self.cache = cache
        self.triggerKey = triggerKey
        self.id = id
        self.workflowName = workflowName
        self.workflowYAML = workflowYAML
        self.workflowHash = workflowHash
        self.paramsJSON = paramsJSON
        self.inputsJSON = inputsJSON
        self.datasetID = datasetID
        self.trigger = trigger
        self.state = state
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
    }
}

/// What a list of runs shows: a run without its workflow text, params and inputs.
public struct RunSummary: Sendable, Hashable {
    public var id: String
    public var workflowName: String
    public var datasetID: String?
    public var trigger: Trigger
    public var state: RunState
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var error: String?
    /// For a failed run: the excerpt of its newest failed attempt that has one (``AttemptRecord/errorExcerpt``).
    public var errorExcerpt: String?

    public init(
        id: String, workflowName: String, datasetID: String?, trigger: Trigger, state: RunState, createdAt: Date,
        startedAt: Date?, finishedAt: Date?, error: String?, errorExcerpt: String? = nil
    ) {
        self.errorExcerpt = errorExcerpt
        self.id = id
        self.workflowName = workflowName
        self.datasetID = datasetID
        self.trigger = trigger
        self.state = state
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
    }
}

extension RunRecord {
    public var summary: RunSummary {
        RunSummary(
            id: id, workflowName: workflowName, datasetID: datasetID, trigger: trigger, state: state, createdAt: createdAt,
            startedAt: startedAt, finishedAt: finishedAt, error: error)
    }
}

/// A step to create with its run (see ``Store/createRun(_:steps:)``).
public struct NewStepRun: Sendable, Hashable {
    public var stepID: String
    /// Topological position, for stable display order.
    public var position: Int
    /// Ids of upstream steps in the same run.
    public var needs: [String]
    /// 1 + retries.
    public var maxAttempts: Int
    /// Worker slots the step takes while it runs (`cpu:`).
    public var cpu: Int
    /// The named pool whose limit it counts against (`pool:`), if any.
    public var pool: String?

    public init(stepID: String, position: Int, needs: [String], maxAttempts: Int, cpu: Int = 1, pool: String? = nil) {
        self.cpu = max(1, cpu)
        self.pool = pool
        self.stepID = stepID
        self.position = position
        self.needs = needs
        self.maxAttempts = maxAttempts
    }
}

/// A step of a run, as the store knows it.
public struct StepRunRecord: Sendable, Codable, Hashable {
    public var runID: String
    public var stepID: String
    public var position: Int
    public var needs: [String]
    public var state: StepState
    /// Attempts started so far (0 before the first claim).
    public var attempt: Int
    public var maxAttempts: Int
    public var worker: String?
    public var leaseExpiresAt: Date?
    public var notBefore: Date?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var exitStatus: Int?
    public var error: String?
    /// Output name → JSON text of the value.
    public var outputs: [String: String]
    public var cancelRequested: Bool
    /// Worker slots it takes while it runs, and its pool (schema version 7; 1 and nil before).
    public var cpu: Int
    public var pool: String?

    public init(
        runID: String, stepID: String, position: Int, needs: [String], state: StepState, attempt: Int,
        maxAttempts: Int, worker: String? = nil, leaseExpiresAt: Date? = nil, notBefore: Date? = nil,
        startedAt: Date? = nil, finishedAt: Date? = nil, exitStatus: Int? = nil, error: String? = nil,
        outputs: [String: String] = [:], cancelRequested: Bool = false, cpu: Int = 1, pool: String? = nil
    ) {
        self.cpu = cpu
        self.pool = pool
        self.runID = runID
        self.stepID = stepID
        self.position = position
        self.needs = needs
        self.state = state
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.worker = worker
        self.leaseExpiresAt = leaseExpiresAt
        self.notBefore = notBefore
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitStatus = exitStatus
        self.error = error
        self.outputs = outputs
        self.cancelRequested = cancelRequested
    }
}

/// One attempt of one step: who ran it, when, and how it ended.
public struct AttemptRecord: Sendable, Codable, Hashable {
    public var runID: String
    public var stepID: String
    public var attempt: Int
    public var worker: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// The step state the attempt ended in (`succeeded`, `failed`, `canceled`, `lease_expired`, …); nil while running.
    public var outcome: String?
    public var error: String?
    /// The program the attempt started, where and when (``Store/recordAttemptProcess(_:worker:process:)``).
    public var process: AttemptProcess?
    /// Its cache key and why it ran or where its results came from; nil before it completed.
    public var cache: AttemptCache?
    /// For a failed attempt: the last lines its step wrote (``Store/recordAttemptExcerpt(_:worker:excerpt:)``).
    public var errorExcerpt: String?

    public init(
        runID: String, stepID: String, attempt: Int, worker: String, startedAt: Date,
        finishedAt: Date? = nil, outcome: String? = nil, error: String? = nil, process: AttemptProcess? = nil,
        cache: AttemptCache? = nil, errorExcerpt: String? = nil
    ) {
        self.cache = cache
        self.errorExcerpt = errorExcerpt
        self.runID = runID
        self.stepID = stepID
        self.attempt = attempt
        self.worker = worker
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.error = error
        self.process = process
    }
}

/// A number a step reported (`accuracy`, `rows_read`, …).
public struct MetricRecord: Sendable, Codable, Hashable {
    public var runID: String
    public var stepID: String
    public var name: String
    public var value: Double

    public init(runID: String, stepID: String, name: String, value: Double) {
        self.runID = runID
        self.stepID = stepID
        self.name = name
        self.value = value
    }
}

/// A state change or engine message, in order of ``id`` within the whole store.
public struct EventRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var runID: String
    public var stepID: String?
    public var at: Date
    /// `run_state`, `step_state`, `lease_expired`, `message`, …
    public var kind: String
    public var message: String

    public init(id: Int64, runID: String, stepID: String?, at: Date, kind: String, message: String) {
        self.id = id
        self.runID = runID
        self.stepID = stepID
        self.at = at
        self.kind = kind
        self.message = message
    }
}

/// A process that claims steps, as last seen by the store.
public struct WorkerRecord: Sendable, Codable, Hashable {
    public var name: String
    public var host: String
    public var startedAt: Date
    public var lastHeartbeat: Date
    public var stepsHeld: Int
    /// The worker's process: where it runs and its pid. Nil in rows written before schema version 3
    /// (such a worker's steps come back when its leases expire).
    public var process: WorkerProcess?
    /// How many steps the worker runs at once. Nil in rows written before schema version 5.
    public var concurrency: Int?
    /// The worker's oldest store call that had not returned at its last heartbeat.
    public var oldestCall: WorkerStoreCall?
    /// The worker's most recent store call that failed.
    public var lastError: WorkerStoreError?

    public init(
        name: String, host: String, startedAt: Date, lastHeartbeat: Date, stepsHeld: Int, process: WorkerProcess? = nil,
        concurrency: Int? = nil, oldestCall: WorkerStoreCall? = nil, lastError: WorkerStoreError? = nil
    ) {
        self.name = name
        self.host = host
        self.startedAt = startedAt
        self.lastHeartbeat = lastHeartbeat
        self.stepsHeld = stepsHeld
        self.process = process
        self.concurrency = concurrency
        self.oldestCall = oldestCall
        self.lastError = lastError
    }
}

/// A store call a worker has started and that has not returned: what it does and since when
/// (by the worker's clock; its age is the reader's now minus `startedAt`).
public struct WorkerStoreCall: Sendable, Codable, Hashable {
    /// A short name: `complete steps`, `claim steps`, `extend lease`, …
    public var call: String
    public var startedAt: Date

    public init(call: String, startedAt: Date) {
        self.call = call
        self.startedAt = startedAt
    }
}

/// A worker's store call that failed: the error's text and when.
public struct WorkerStoreError: Sendable, Codable, Hashable {
    public var message: String
    public var at: Date

    public init(message: String, at: Date) {
        self.message = message
        self.at = at
    }
}

/// Which process a worker is: what lets another process on the same ``Machine`` tell that it is gone.
public struct WorkerProcess: Sendable, Codable, Hashable {
    public var machine: Machine
    public var pid: Int32

    public init(machine: Machine, pid: Int32) {
        self.machine = machine
        self.pid = pid
    }
}
