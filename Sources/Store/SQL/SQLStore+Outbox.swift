import Foundation
import SQLKit

/// Notifications' outbox (issue 18). A run's final state and its deliveries are written in one
/// transaction (`enqueueRunNotifications`, called where the run ends), so a crash loses none; a
/// delivery service leases due rows, and each attempt's result is a run event.
extension SQLStore: NotifyOutbox {
    public func recordNotifyTargets(runID: String, targets: [NotifyTargetRecord], slas: [SLARecord]) async throws {
        guard !targets.isEmpty || !slas.isEmpty else { return }
        try await write { db in
            for t in targets {
                // ",failed,sla_missed," so one LIKE finds a listener of an event.
                let events = "," + t.events.joined(separator: ",") + ","
                try await db.raw(
                    """
                    INSERT INTO notify_targets (run_id, position, events, rule_json)
                    VALUES (\(bind: runID), \(bind: t.position), \(bind: events), \(bind: t.ruleJSON))
                    """
                ).run()
            }
            for s in slas {
                try await db.raw(
                    """
                    INSERT INTO run_slas (run_id, step_id, seconds) VALUES (\(bind: runID), \(bind: s.stepID ?? ""), \(bind: s.seconds))
                    """
                ).run()
            }
        }
    }

    /// Inside the transaction that ends a run: one outbox row per rule listening to `state`.
    func enqueueRunNotifications(_ db: any SQLDatabase, run: String, state: RunState, at now: Date) async throws {
        guard state == .failed || state == .succeeded || state == .canceled else { return }
        try await enqueue(db, run: run, event: state.rawValue, step: nil, at: now)
    }

    private func enqueue(_ db: any SQLDatabase, run: String, event: String, step: String?, at now: Date) async throws {
        let t = now.timeIntervalSince1970
        try await db.raw(
            """
            INSERT INTO notify_outbox (run_id, position, event, step_id, created_at, next_at, attempts)
            SELECT run_id, position, \(bind: event), \(bind: step), \(bind: t), \(bind: t), 0 FROM notify_targets
            WHERE run_id = \(bind: run) AND events LIKE \(bind: "%," + event + ",%")
            """
        ).run()
    }

    public func markMissedSLAs(now: Date) async throws -> [SLARecord] {
        let t = now.timeIntervalSince1970
        // An SLA of a run that ended is closed (0), so the open ones stay few: the check reads only those.
        try await write { db in
            try await db.raw(
                """
                UPDATE run_slas SET notified_at = 0 WHERE notified_at IS NULL
                    AND run_id IN (SELECT id FROM runs WHERE state NOT IN (\(RunState.queued), \(RunState.running)))
                """
            ).run()
        }
        let due = try await read { db in
            let runs = try await db.raw(
                """
                SELECT s.run_id, s.step_id, s.seconds FROM run_slas s JOIN runs r ON r.id = s.run_id
                WHERE s.notified_at IS NULL AND s.step_id = '' AND r.state IN (\(RunState.queued), \(RunState.running))
                    AND COALESCE(s.since, r.created_at) + s.seconds <= \(bind: t)
                """
            ).all()
            let steps = try await db.raw(
                """
                SELECT s.run_id, s.step_id, s.seconds FROM run_slas s JOIN steps st ON st.run_id = s.run_id AND st.step_id = s.step_id
                WHERE s.notified_at IS NULL AND s.step_id <> '' AND st.state = \(StepState.running)
                    AND st.started_at + s.seconds <= \(bind: t)
                """
            ).all()
            return try (runs + steps).map { row in
                let step = try row.decode(column: "step_id", as: String.self)
                return SLARecord(
                    runID: try row.decode(column: "run_id", as: String.self), stepID: step.isEmpty ? nil : step,
                    seconds: try row.decode(column: "seconds", as: Double.self))
            }
        }
        var marked: [SLARecord] = []
        for sla in due {
            // The guarded update makes it once: of two processes, one gets the row back.
            let won = try await write { db -> Bool in
                let rows = try await db.raw(
                    """
                    UPDATE run_slas SET notified_at = \(bind: t)
                    WHERE run_id = \(bind: sla.runID) AND step_id = \(bind: sla.stepID ?? "") AND notified_at IS NULL
                    RETURNING run_id
                    """
                ).all()
                guard !rows.isEmpty else { return false }
                let what = sla.stepID.map { "step \($0)" } ?? "run"
                try await Self.event(
                    db, run: sla.runID, step: sla.stepID, kind: "sla_missed",
                    message: "sla: \(what) still going after \(Self.durationText(sla.seconds))", at: now)
                try await enqueue(db, run: sla.runID, event: "sla_missed", step: sla.stepID, at: now)
                return true
            }
            if won { marked.append(sla) }
        }
        return marked
    }

    public func claimDeliveries(worker: String, now: Date, until: Date, limit: Int) async throws -> [OutboxDelivery] {
        let t = now.timeIntervalSince1970
        return try await write { db in
            // The due conditions are repeated outside the subquery: on PostgreSQL a row another
            // process leased meanwhile is re-checked after its lock and skipped.
            let rows = try await db.raw(
                """
                UPDATE notify_outbox SET claimed_by = \(bind: worker), claimed_until = \(bind: until.timeIntervalSince1970)
                WHERE done_at IS NULL AND next_at <= \(bind: t) AND (claimed_until IS NULL OR claimed_until < \(bind: t))
                    AND id IN (SELECT id FROM notify_outbox WHERE done_at IS NULL AND next_at <= \(bind: t)
                               AND (claimed_until IS NULL OR claimed_until < \(bind: t)) ORDER BY next_at LIMIT \(literal: max(1, limit)))
                RETURNING id, run_id, position, event, step_id, attempts, created_at
                """
            ).all()
            var out: [OutboxDelivery] = []
            for row in rows {
                let run = try row.decode(column: "run_id", as: String.self)
                let position = try row.decode(column: "position", as: Int.self)
                let rule =
                    try await db.raw("SELECT rule_json FROM notify_targets WHERE run_id = \(bind: run) AND position = \(bind: position)")
                    .first()?.decode(column: "rule_json", as: String.self) ?? "{}"
                let event = try row.decode(column: "event", as: String.self)
                let step = try row.decode(column: "step_id", as: String?.self)
                var sla: Double?
                if event == "sla_missed" {
                    sla = try await db.raw("SELECT seconds FROM run_slas WHERE run_id = \(bind: run) AND step_id = \(bind: step ?? "")")
                        .first()?.decode(column: "seconds", as: Double.self)
                }
                out.append(
                    OutboxDelivery(
                        id: try row.decode(column: "id", as: Int64.self), runID: run, position: position,
                        event: event, stepID: step, attempts: try row.decode(column: "attempts", as: Int.self), ruleJSON: rule,
                        createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)), slaSeconds: sla))
            }
            return out.sorted { $0.id < $1.id }
        }
    }

    public func finishDelivery(_ delivery: OutboxDelivery, worker: String, retryAt: Date?, event: String, now: Date) async throws {
        let t = now.timeIntervalSince1970
        try await write { db in
            if let retryAt {
                try await db.raw(
                    """
                    UPDATE notify_outbox SET attempts = attempts + 1, next_at = \(bind: retryAt.timeIntervalSince1970),
                        claimed_by = NULL, claimed_until = NULL
                    WHERE id = \(bind: delivery.id) AND claimed_by = \(bind: worker)
                    """
                ).run()
            } else {
                try await db.raw(
                    """
                    UPDATE notify_outbox SET attempts = attempts + 1, done_at = \(bind: t), claimed_by = NULL, claimed_until = NULL
                    WHERE id = \(bind: delivery.id) AND claimed_by = \(bind: worker)
                    """
                ).run()
            }
            try await Self.event(db, run: delivery.runID, step: delivery.stepID, kind: "notify", message: event, at: now)
        }
    }

    public func openDeliveries(runID: String?) async throws -> Int {
        try await read { db in
            let filter: SQLQueryString = runID.map { "AND run_id = \(bind: $0)" } ?? ""
            return try await db.raw("SELECT COUNT(*) AS n FROM notify_outbox WHERE done_at IS NULL \(filter)").first()?
                .decode(column: "n", as: Int.self) ?? 0
        }
    }

    static func durationText(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s % 3600 == 0 { return "\(s / 3600)h" }
        if s % 60 == 0 { return "\(s / 60)m" }
        return "\(s)s"
    }
}
