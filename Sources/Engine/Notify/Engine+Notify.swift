import FlowSpec
import Foundation
import Store

extension Engine {
    /// Writes the run's notify rules (the workflow's own, else the project's default) and SLAs
    /// before its steps exist, so even a run that ends at once finds them (docs/scheduling.md).
    func recordNotify(_ workflow: Workflow, runID: String) async throws {
        guard let outbox = store as? any NotifyOutbox else { return }
        let rules = workflow.notify.isEmpty ? notifyDefaults : workflow.notify
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let targets = try rules.enumerated().map { position, rule in
            NotifyTargetRecord(
                position: position, events: rule.on.map(\.rawValue),
                ruleJSON: String(decoding: try encoder.encode(rule), as: UTF8.self))
        }
        var slas: [SLARecord] = workflow.sla.map { [SLARecord(runID: runID, stepID: nil, seconds: $0.seconds)] } ?? []
        for step in workflow.steps {
            if let sla = step.sla { slas.append(SLARecord(runID: runID, stepID: step.id, seconds: sla.seconds)) }
        }
        try await outbox.recordNotifyTargets(runID: runID, targets: targets, slas: slas)
    }

    /// The store's outbox, for the delivery service; nil for a store without one.
    var notifyOutbox: (any NotifyOutbox)? { store as? any NotifyOutbox }

    /// Deliveries of `runID` (or of every run) not yet sent or given up.
    public func openNotifications(runID: String? = nil) async throws -> Int {
        try await notifyOutbox?.openDeliveries(runID: runID) ?? 0
    }
}
