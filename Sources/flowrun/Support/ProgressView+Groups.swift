import Engine
import Foundation
import Store

/// Matrix instances (`train[model_type=logistic]`) grouped under their step in the live progress:
/// a line per step with "3/8 done", the instances listed under it when there are few, and only the
/// ones worth a look (running, failed, retrying) when there are many.
extension ProgressView {
    /// Instances shown one by one up to this many; above it, the step's line and its active instances.
    static let expandedGroup = 4

    /// A step's declared id: `train` for `train[model_type=logistic]`, nil for a step outside a matrix.
    static func group(of stepID: String) -> String? {
        guard stepID.hasSuffix("]"), let open = stepID.firstIndex(of: "["), open > stepID.startIndex else { return nil }
        return String(stepID[..<open])
    }

    /// The lines of a redraw, in the run's step order: plain steps as ``line(_:now:cause:)``, each matrix
    /// step as its summary followed by its instances (indented; all when few, else the active ones).
    static func groupedLines(
        _ steps: [StepRunRecord], now: Date, cause: (StepRunRecord) -> String?, waiting: (StepRunRecord) -> String? = { _ in nil }
    ) -> [String] {
        var order: [String] = []
        var members: [String: [StepRunRecord]] = [:]
        for step in steps {
            let key = group(of: step.stepID) ?? step.stepID
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(step)
        }
        var out: [String] = []
        for key in order {
            let items = members[key] ?? []
            guard items.count > 1 || group(of: items[0].stepID) != nil else {
                out.append(line(items[0], now: now, cause: cause(items[0]), waiting: waiting(items[0])))
                continue
            }
            out.append(summary(key, items))
            let shown = items.count <= expandedGroup ? items : items.filter(isActive)
            for item in shown.prefix(expandedGroup) { out.append("  " + line(item, now: now, cause: cause(item), waiting: waiting(item))) }
            if shown.count > expandedGroup { out.append("    … \(shown.count - expandedGroup) more") }
        }
        return out
    }

    /// `▶ train  3/8 done, 2 running, 1 cached`: finished instances (succeeded, cached, skipped) of all.
    static func summary(_ name: String, _ items: [StepRunRecord]) -> String {
        func count(_ states: Set<StepState>) -> Int { items.filter { states.contains($0.state) }.count }
        let done = count([.succeeded, .cached, .skipped])
        let running = count([.running]), failed = count([.failed, .upstreamFailed]), cached = count([.cached])
        let symbol = failed > 0 ? "✗" : done == items.count ? "✓" : running > 0 ? "▶" : "·"
        var text = "\(symbol) \(name.padding(toLength: max(12, name.count), withPad: " ", startingAt: 0))  \(done)/\(items.count) done"
        if running > 0 { text += ", \(running) running" }
        if failed > 0 { text += ", \(failed) failed" }
        if cached > 0 { text += ", \(cached) cached" }
        return text
    }

    private static func isActive(_ step: StepRunRecord) -> Bool {
        step.state == .running || step.state == .failed || (step.state == .ready && step.error != nil)
    }
}
