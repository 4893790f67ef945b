import Foundation
import SQLKit

/// Reading records out of rows, and JSON columns.
extension SQLStore {
    static func date(_ row: any SQLRow, _ column: String) throws -> Date? {
        try row.decode(column: column, as: Double?.self).map { Date(timeIntervalSince1970: $0) }
    }

    static func dataset(_ row: any SQLRow) throws -> DatasetRecord {
        DatasetRecord(
            id: try row.decode(column: "id", as: String.self), path: try row.decode(column: "path", as: String.self),
            sizeBytes: try row.decode(column: "size_bytes", as: Int64.self),
            contentHash: try row.decode(column: "content_hash", as: String.self),
            schemaJSON: try row.decode(column: "schema_json", as: String.self),
            registeredAt: try date(row, "registered_at") ?? .distantPast,
            status: try row.decode(column: "status", as: String.self),
            rejectReason: try row.decode(column: "reject_reason", as: String?.self))
    }

    static func run(_ row: any SQLRow) throws -> RunRecord {
        RunRecord(
            id: try row.decode(column: "id", as: String.self),
            workflowName: try row.decode(column: "workflow_name", as: String.self),
            workflowYAML: try row.decode(column: "workflow_yaml", as: String.self),
            workflowHash: try row.decode(column: "workflow_hash", as: String.self),
            paramsJSON: try row.decode(column: "params_json", as: String.self),
            inputsJSON: try row.decode(column: "inputs_json", as: String.self),
            datasetID: try row.decode(column: "dataset_id", as: String?.self),
            trigger: Trigger(rawValue: try row.decode(column: "trigger", as: String.self)) ?? .cli,
            state: RunState(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed,
            createdAt: try date(row, "created_at") ?? .distantPast,
            startedAt: try date(row, "started_at"), finishedAt: try date(row, "finished_at"),
            error: try row.decode(column: "error", as: String?.self),
            triggerKey: try row.decode(column: "trigger_key", as: String?.self),
            cache: try row.decode(column: "cache_off", as: Int?.self) ?? 0 == 0,
            priority: row.contains(column: "priority") ? try row.decode(column: "priority", as: Int?.self) ?? 0 : 0)
    }

    static func runSummary(_ row: any SQLRow) throws -> RunSummary {
        RunSummary(
            id: try row.decode(column: "id", as: String.self),
            workflowName: try row.decode(column: "workflow_name", as: String.self),
            datasetID: try row.decode(column: "dataset_id", as: String?.self),
            trigger: Trigger(rawValue: try row.decode(column: "trigger", as: String.self)) ?? .cli,
            state: RunState(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed,
            createdAt: try date(row, "created_at") ?? .distantPast,
            startedAt: try date(row, "started_at"), finishedAt: try date(row, "finished_at"),
            error: try row.decode(column: "error", as: String?.self),
            errorExcerpt: try row.decode(column: "error_excerpt", as: String?.self))
    }

    static func step(_ row: any SQLRow) throws -> StepRunRecord {
        StepRunRecord(
            runID: try row.decode(column: "run_id", as: String.self),
            stepID: try row.decode(column: "step_id", as: String.self),
            position: try row.decode(column: "position", as: Int.self),
            needs: decodeJSON(try row.decode(column: "needs_json", as: String.self)) ?? [],
            state: StepState(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed,
            attempt: try row.decode(column: "attempt", as: Int.self),
            maxAttempts: try row.decode(column: "max_attempts", as: Int.self),
            worker: try row.decode(column: "worker", as: String?.self),
            leaseExpiresAt: try date(row, "lease_expires_at"), notBefore: try date(row, "not_before"),
            startedAt: try date(row, "started_at"), finishedAt: try date(row, "finished_at"),
            exitStatus: try row.decode(column: "exit_status", as: Int?.self),
            error: try row.decode(column: "error", as: String?.self),
            outputs: decodeJSON(try row.decode(column: "outputs_json", as: String.self)) ?? [:],
            cancelRequested: try row.decode(column: "cancel_requested", as: Int.self) != 0,
            cpu: row.contains(column: "cpu") ? try row.decode(column: "cpu", as: Int?.self) ?? 1 : 1,
            pool: row.contains(column: "pool") ? try row.decode(column: "pool", as: String?.self) : nil)
    }

    /// The `attempts` row's program, when it recorded one.
    static func attemptProcess(_ row: any SQLRow) throws -> AttemptProcess? {
        guard let machine = try machine(row), let pid = try row.decode(column: "pid", as: Int?.self),
            let group = try row.decode(column: "process_group", as: Int?.self)
        else { return nil }
        let ticks = try row.decode(column: "leader_start_ticks", as: Int64?.self).map { UInt64(clamping: $0) }
        return AttemptProcess(machine: machine, pid: Int32(clamping: pid), processGroup: Int32(clamping: group), leaderStartTicks: ticks)
    }

    /// The `workers` row's process, when it recorded one.
    static func workerProcess(_ row: any SQLRow) throws -> WorkerProcess? {
        guard let machine = try machine(row), let pid = try row.decode(column: "pid", as: Int?.self) else { return nil }
        return WorkerProcess(machine: machine, pid: Int32(clamping: pid))
    }

    /// The `workers` row's oldest unfinished store call (schema version 5), when it had one.
    static func workerStoreCall(_ row: any SQLRow) throws -> WorkerStoreCall? {
        guard let call = try row.decode(column: "oldest_call", as: String?.self),
            let startedAt = try date(row, "oldest_call_started_at")
        else { return nil }
        return WorkerStoreCall(call: call, startedAt: startedAt)
    }

    /// The `workers` row's last store error (schema version 5), when it had one.
    static func workerStoreError(_ row: any SQLRow) throws -> WorkerStoreError? {
        guard let message = try row.decode(column: "last_error", as: String?.self),
            let at = try date(row, "last_error_at")
        else { return nil }
        return WorkerStoreError(message: message, at: at)
    }

    private static func machine(_ row: any SQLRow) throws -> Machine? {
        guard let host = try row.decode(column: "host", as: String?.self),
            let boot = try row.decode(column: "boot_id", as: String?.self),
            let namespace = try row.decode(column: "pid_namespace", as: String?.self)
        else { return nil }
        return Machine(host: host, bootID: boot, pidNamespace: namespace)
    }

    static func encodeJSON<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
    }

    static func decodeJSON<T: Decodable>(_ text: String) -> T? {
        try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
