import FlowSpec
import Foundation
import Store

/// Backfill groups: one run per matching dataset, released at most `max_parallel` at a time.
///
/// Where the limit is enforced: here, at start time, not in the claim. A group's datasets wait in
/// the group (`run_groups.datasets_json`, `released` counts how many became runs) and only
/// `releaseGroup` submits runs — while the group is active and fewer than `max_parallel` of its
/// runs are unfinished. The claim (shared with slots and pools) is untouched, and a paused group
/// simply releases nothing. `releaseGroups` runs at every scheduler pass (`serve`, `worker
/// --scheduler`) and after `backfill` itself; each run's idempotency key (`group:<id>:<dataset>`)
/// makes two processes releasing at once submit each dataset once.
extension Engine {
    /// Plans the group (the workflow and the params are checked first), records it and releases
    /// its first runs.
    public func backfill(_ request: BackfillRequest) async throws -> RunGroupRecord {
        let store = try scheduleStore()
        guard request.maxParallel >= 1 else { throw BackfillError.badMaxParallel(request.maxParallel) }
        let file = request.workflowIsName ? try workflowFile(named: request.workflow) : try workflowFile(request.workflow)
        let workflow = try loadWorkflow(at: file)
        guard workflow.inputs.contains(where: { $0.type == .dataset }) else { throw EngineError.noDatasetInput(workflow: workflow.name) }
        // Checked now, so a bad param is refused before any run is written.
        do { _ = try workflow.resolveParams(request.params) } catch { throw EngineError.badParam("\(error)") }
        let datasets = try await matchingDatasets(request)
        guard !datasets.isEmpty else { throw BackfillError.noDatasetsMatch(selection(request)) }
        let now = clock.now()
        let group = RunGroupRecord(
            id: "grp-" + RunID.make(at: now), workflowName: workflow.name, paramsJSON: Value.map(request.params).jsonText,
            datasetIDs: datasets.map(\.id), maxParallel: request.maxParallel, createdAt: now, selection: selection(request))
        try await store.createGroup(group)
        try await releaseGroup(id: group.id)
        return try await store.group(id: group.id) ?? group
    }

    /// Registered, readable datasets that the request selects, oldest registration first.
    func matchingDatasets(_ request: BackfillRequest) async throws -> [DatasetRecord] {
        let all = try await store.datasets(limit: 100_000)
        return all.filter { dataset in
            guard dataset.status != "rejected" else { return false }
            if let since = request.since, dataset.registeredAt < since { return false }
            if let until = request.until, dataset.registeredAt >= until { return false }
            let name = (dataset.path as NSString).lastPathComponent
            return [name, dataset.path, dataset.id].contains { Glob.matches(request.datasets, $0) }
        }.sorted { ($0.registeredAt, $0.id) < ($1.registeredAt, $1.id) }
    }

    private func selection(_ request: BackfillRequest) -> String {
        var parts = ["datasets \(request.datasets)"]
        if let since = request.since { parts.append("since \(ScheduleKey.iso(since))") }
        if let until = request.until { parts.append("until \(ScheduleKey.iso(until))") }
        return parts.joined(separator: ", ")
    }

    /// Releases every active group's next runs; true when some group still holds datasets back
    /// (the scheduler then looks again within seconds, not at its next pass).
    @discardableResult
    public func releaseGroups() async throws -> Bool {
        let store = try scheduleStore()
        var waiting = false
        for group in try await store.groupsHoldingBack() {
            if try await releaseGroup(id: group.id) { waiting = true }
        }
        return waiting
    }

    /// Submits the group's next datasets as runs while it is active and has room under `max_parallel`;
    /// true when datasets still wait in the (active) group.
    @discardableResult
    public func releaseGroup(id: String) async throws -> Bool {
        let store = try scheduleStore()
        guard let group = try await store.group(id: id), group.state == .active else { return false }
        let unfinished = try await store.groupRuns(groupID: id).count { !$0.state.isFinished }
        let total = group.datasetIDs.count
        let room = min(group.maxParallel - unfinished, total - group.released)
        guard room > 0 else {
            // All released (a group from before migration 12 is still marked): releaseGroups no longer reads it.
            if group.released >= total { _ = try await store.advanceGroupReleased(id: id, from: total, to: total, total: total) }
            return group.released < total
        }
        let params = Value(jsonText: group.paramsJSON)?.mapValue ?? [:]
        let file = try workflowFile(named: group.workflowName)
        for datasetID in group.datasetIDs[group.released..<(group.released + room)] {
            let request = SubmitRequest(
                workflow: file.path, params: params, datasetID: datasetID, trigger: .backfill,
                idempotencyKey: "group:\(id):\(datasetID)")
            let run = try await submit(request)
            try await store.setRunGroup(runID: run.id, groupID: id)
        }
        _ = try await store.advanceGroupReleased(id: id, from: group.released, to: group.released + room, total: total)
        return group.released + room < total
    }

    public func group(id: String) async throws -> RunGroupView? {
        let store = try scheduleStore()
        guard let group = try await store.group(id: id) else { return nil }
        let runs = try await store.groupRuns(groupID: id)
        var counts: [String: Int] = [:]
        for run in runs { counts[run.state.rawValue, default: 0] += 1 }
        counts["waiting"] = group.state == .canceled ? 0 : group.datasetIDs.count - group.released
        return RunGroupView(
            group: Self.view(group), runs: runs.map { RunGroupRunView(id: $0.id, datasetID: $0.datasetID, state: $0.state.rawValue) },
            counts: counts)
    }

    /// Newest first; of one workflow and in one state when given.
    public func groups(limit: Int, workflow: String? = nil, state: RunGroupState? = nil) async throws -> [RunGroupRecordView] {
        try await scheduleStore().groups(limit: limit, workflow: workflow, state: state).map(Self.view)
    }

    /// Stops releasing runs; runs already started go on.
    public func pauseGroup(id: String) async throws { try await setGroup(id, .paused) }

    public func resumeGroup(id: String) async throws {
        try await setGroup(id, .active)
        try await releaseGroup(id: id)
    }

    /// Releases nothing more and cancels the group's unfinished runs.
    public func cancelGroup(id: String) async throws {
        try await setGroup(id, .canceled)
        for run in try await scheduleStore().groupRuns(groupID: id) where !run.state.isFinished {
            do { try await cancel(runID: run.id) } catch StoreError.conflict(_) {
                // It finished meanwhile.
            }
        }
    }

    private func setGroup(_ id: String, _ state: RunGroupState) async throws {
        let store = try scheduleStore()
        guard let group = try await store.group(id: id) else { throw BackfillError.groupNotFound(id) }
        if group.state == .canceled, state != .canceled {
            throw BackfillError.groupCanceled(id)
        }
        _ = try await store.setGroupState(id: id, state: state)
    }

    static func view(_ group: RunGroupRecord) -> RunGroupRecordView {
        RunGroupRecordView(
            id: group.id, workflow: group.workflowName, state: group.state.rawValue, maxParallel: group.maxParallel,
            total: group.datasetIDs.count, released: group.released, selection: group.selection, createdAt: group.createdAt)
    }
}
