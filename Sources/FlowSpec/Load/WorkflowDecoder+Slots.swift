/// `cpu:` and `pool:` on a step, `priority:` on a workflow (docs/scheduling.md, "Slots, pools and
/// priorities"). Whether a step's slots fit a worker and whether its pool has a limit depend on the
/// workers and the store, so the engine checks those when a run is submitted.
extension WorkflowDecoder {
    /// Far above any machine's cores: a typo such as `cpu: 400` is caught here, the rest at submit.
    static let maxCPU = 1024
    /// Priorities are small numbers; each level is worth a minute of waiting (aging).
    static let priorityRange = -100...100

    mutating func decodeSlotKeys(
        _ f: [String: (key: String, keyMark: SourceMark, value: YAMLNode)], field: String, into step: inout StepSpec
    ) {
        if let c = f["cpu"], let n = reader.integer(c.value, "\(field).cpu", minimum: 1) {
            if n > Self.maxCPU {
                reader.error(c.value.mark, "\(field).cpu: at most \(Self.maxCPU) slots, got \(n)")
            } else {
                step.cpu = n
                step.cpuMark = c.value.mark
            }
        }
        if let p = f["pool"], let name = reader.string(p.value, "\(field).pool") {
            if PoolName.isValid(name) {
                step.pool = name
                step.poolMark = p.value.mark
            } else {
                reader.error(p.value.mark, "\(field).pool: \(PoolName.rule), got \"\(name)\"")
            }
        }
    }

    mutating func decodePriority(_ fields: [String: (key: String, keyMark: SourceMark, value: YAMLNode)], into workflow: inout Workflow) {
        guard let p = fields["priority"] else { return }
        guard case .scalar(let s, true, _) = p.value, let n = YAMLNode.plainValue(s).intValue, Self.priorityRange.contains(n) else {
            reader.error(
                p.value.mark,
                "priority: expected an integer from \(Self.priorityRange.lowerBound) to \(Self.priorityRange.upperBound), got \(NodeReader.describe(p.value))"
            )
            return
        }
        workflow.priority = n
    }
}

/// What a pool may be called: it is typed on command lines (`flowrun pools set gpu 2`) and shown in
/// waiting reasons and metric labels.
public enum PoolName {
    public static let rule = "a pool name uses letters, digits, '-' or '_' (at most 64)"

    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
    }
}
