import Foundation
import SQLKit

/// Schedule states and run groups (``ScheduleStore``).
extension SQLStore: ScheduleStore {
    // MARK: Schedules

    public func scheduleStates() async throws -> [ScheduleStateRecord] {
        try await read { db in
            try await db.raw("SELECT workflow_name, last_tick, updated_at FROM schedule_state ORDER BY workflow_name").all().map(
                Self.scheduleState)
        }
    }

    public func startScheduleState(workflow: String, tick: Date, now: Date) async throws -> ScheduleStateRecord {
        try await write { db in
            let t = tick.timeIntervalSince1970
            let n = now.timeIntervalSince1970
            try await db.raw(
                """
                INSERT INTO schedule_state (workflow_name, last_tick, updated_at) VALUES (\(bind: workflow), \(bind: t), \(bind: n))
                ON CONFLICT (workflow_name) DO NOTHING
                """
            ).run()
            let row = try await db.raw(
                "SELECT workflow_name, last_tick, updated_at FROM schedule_state WHERE workflow_name = \(bind: workflow)"
            ).first()
            guard let row else { throw StoreError.notFound("schedule state of \(workflow)") }
            return try Self.scheduleState(row)
        }
    }

    public func advanceSchedule(workflow: String, to tick: Date, now: Date) async throws -> Bool {
        try await write { db in
            let t = tick.timeIntervalSince1970
            let n = now.timeIntervalSince1970
            let moved = try await db.raw(
                """
                UPDATE schedule_state SET last_tick = \(bind: t), updated_at = \(bind: n)
                WHERE workflow_name = \(bind: workflow) AND last_tick < \(bind: t)
                RETURNING workflow_name
                """
            ).all()
            return !moved.isEmpty
        }
    }

    public func unfinishedRuns(workflow: String, keyPrefix: String) async throws -> [RunRecord] {
        try await read { db in
            let length = keyPrefix.count
            let queued = RunState.queued.rawValue
            let running = RunState.running.rawValue
            return try await db.raw(
                """
                SELECT * FROM runs WHERE workflow_name = \(bind: workflow) AND state IN (\(bind: queued), \(bind: running))
                AND substr(trigger_key, 1, \(literal: length)) = \(bind: keyPrefix) ORDER BY created_at, id
                """
            ).all().map(Self.run)
        }
    }

    public func latestRun(workflow: String, keyPrefix: String) async throws -> RunRecord? {
        try await read { db in
            let length = keyPrefix.count
            return try await db.raw(
                """
                SELECT * FROM runs WHERE workflow_name = \(bind: workflow)
                AND substr(trigger_key, 1, \(literal: length)) = \(bind: keyPrefix) ORDER BY created_at DESC, id DESC LIMIT 1
                """
            ).first().map(Self.run)
        }
    }

    static func scheduleState(_ row: any SQLRow) throws -> ScheduleStateRecord {
        ScheduleStateRecord(
            workflow: try row.decode(column: "workflow_name", as: String.self),
            lastTick: Date(timeIntervalSince1970: try row.decode(column: "last_tick", as: Double.self)),
            updatedAt: Date(timeIntervalSince1970: try row.decode(column: "updated_at", as: Double.self)))
    }

    // MARK: Run groups

    public func createGroup(_ group: RunGroupRecord) async throws {
        try await write { db in
            let datasets = Self.encodeJSON(group.datasetIDs)
            let created = group.createdAt.timeIntervalSince1970
            try await db.raw(
                """
                INSERT INTO run_groups (id, workflow_name, params_json, datasets_json, max_parallel, state, released, created_at, selection, holds_back)
                VALUES (\(bind: group.id), \(bind: group.workflowName), \(bind: group.paramsJSON), \(bind: datasets),
                        \(bind: group.maxParallel), \(bind: group.state.rawValue), \(bind: group.released), \(bind: created), \(bind: group.selection),
                        \(bind: group.released < group.datasetIDs.count ? 1 : 0))
                """
            ).run()
        }
    }

    public func group(id: String) async throws -> RunGroupRecord? {
        try await read { db in try await db.raw("SELECT * FROM run_groups WHERE id = \(bind: id)").first().map(Self.runGroup) }
    }

    public func groups(limit: Int, workflow: String?, state: RunGroupState?) async throws -> [RunGroupRecord] {
        try await read { db in
            var query: SQLQueryString = "SELECT * FROM run_groups WHERE 1 = 1"
            if let workflow { query = query + " AND workflow_name = \(bind: workflow)" }
            if let state { query = query + " AND state = \(bind: state.rawValue)" }
            query = query + " ORDER BY created_at DESC, id DESC LIMIT \(literal: max(1, min(limit, 1000)))"
            return try await db.raw(query).all().map(Self.runGroup)
        }
    }

    public func groupsHoldingBack() async throws -> [RunGroupRecord] {
        try await read { db in
            try await db.raw("SELECT * FROM run_groups WHERE holds_back = 1 AND state = 'active' ORDER BY created_at, id").all()
                .map(Self.runGroup)
        }
    }

    public func setGroupState(id: String, state: RunGroupState) async throws -> Bool {
        try await write { db in
            !(try await db.raw("UPDATE run_groups SET state = \(bind: state.rawValue) WHERE id = \(bind: id) RETURNING id").all()).isEmpty
        }
    }

    public func advanceGroupReleased(id: String, from: Int, to: Int, total: Int) async throws -> Bool {
        try await write { db in
            !(try await db.raw(
                """
                UPDATE run_groups SET released = \(bind: to), holds_back = \(bind: to < total ? 1 : 0)
                WHERE id = \(bind: id) AND released = \(bind: from) RETURNING id
                """
            ).all()).isEmpty
        }
    }

    public func setRunGroup(runID: String, groupID: String) async throws {
        try await write { db in try await db.raw("UPDATE runs SET group_id = \(bind: groupID) WHERE id = \(bind: runID)").run() }
    }

    public func groupRuns(groupID: String) async throws -> [RunSummary] {
        try await read { db in
            try await db.raw(
                """
                SELECT id, workflow_name, dataset_id, trigger, state, created_at, started_at, finished_at, error, \(unsafeRaw: Self.failedRunExcerpt)
                FROM runs WHERE group_id = \(bind: groupID) ORDER BY created_at, id
                """
            ).all().map(Self.runSummary)
        }
    }

    static func runGroup(_ row: any SQLRow) throws -> RunGroupRecord {
        let datasets = try row.decode(column: "datasets_json", as: String.self)
        return RunGroupRecord(
            id: try row.decode(column: "id", as: String.self),
            workflowName: try row.decode(column: "workflow_name", as: String.self),
            paramsJSON: try row.decode(column: "params_json", as: String.self),
            datasetIDs: (try? JSONDecoder().decode([String].self, from: Data(datasets.utf8))) ?? [],
            maxParallel: try row.decode(column: "max_parallel", as: Int.self),
            state: RunGroupState(rawValue: try row.decode(column: "state", as: String.self)) ?? .canceled,
            released: try row.decode(column: "released", as: Int.self),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            selection: try row.decode(column: "selection", as: String.self))
    }
}
