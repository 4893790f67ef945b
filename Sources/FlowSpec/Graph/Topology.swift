/// Orders and checks the step graph.
enum Topology {
    /// Kahn's algorithm; among ready steps, file order wins. Steps on a cycle are appended last in
    /// file order (validation has already refused such a workflow).
    static func order(_ steps: [StepSpec]) -> [StepSpec] {
        let index = Dictionary(steps.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var indegree = steps.map { step in step.needs.filter { index[$0] != nil }.count }
        var dependents = [[Int]](repeating: [], count: steps.count)
        for (i, step) in steps.enumerated() {
            for need in step.needs { if let j = index[need] { dependents[j].append(i) } }
        }
        // A min-heap would be O(n log n); a sorted insertion keeps file order and is fast enough for
        // thousands of steps because ready sets stay small in practice.
        var ready = indegree.indices.filter { indegree[$0] == 0 }
        var result: [StepSpec] = []
        result.reserveCapacity(steps.count)
        var cursor = 0
        var seen = [Bool](repeating: false, count: steps.count)
        while cursor < ready.count {
            let i = ready[cursor]
            cursor += 1
            seen[i] = true
            result.append(steps[i])
            for d in dependents[i] {
                indegree[d] -= 1
                if indegree[d] == 0 { ready.append(d) }
            }
        }
        if result.count < steps.count {
            result += steps.indices.filter { !seen[$0] }.map { steps[$0] }
        }
        return result
    }

    /// Every elementary cycle found by a depth-first search, each as the path `a → b → c → a`,
    /// reported once (starting from its first step in file order).
    static func cycles(_ steps: [StepSpec]) -> [[String]] {
        let index = Dictionary(steps.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var state = [UInt8](repeating: 0, count: steps.count)  // 0 new, 1 on stack, 2 done
        var stack: [Int] = []
        var found: [[String]] = []
        var reported = Set<String>()

        func visit(_ i: Int) {
            state[i] = 1
            stack.append(i)
            for need in steps[i].needs {
                guard let j = index[need], j != i else { continue }
                if state[j] == 1, let start = stack.lastIndex(of: j) {
                    let cycle = stack[start...].map { steps[$0].id }
                    let key = cycle.sorted().joined(separator: ",")
                    if reported.insert(key).inserted { found.append(cycle + [steps[j].id]) }
                } else if state[j] == 0 {
                    visit(j)
                }
            }
            stack.removeLast()
            state[i] = 2
        }
        for i in steps.indices where state[i] == 0 { visit(i) }
        // A cycle found along `needs` edges runs against the flow; print it in the direction of
        // the dependency: a needs c, c needs b, b needs a → `a → b → c → a` reads "a before b".
        return found.map { Array($0.reversed()) }
    }

    /// Which steps are upstream (directly or transitively) of which: one bit set per step, built in
    /// dependency order so each step ORs its needs' sets — fast for thousands of steps.
    struct Reachability {
        private let index: [String: Int]
        private let words: Int
        private var bits: [UInt64]

        init(_ steps: [StepSpec]) {
            index = Dictionary(steps.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
            words = (steps.count + 63) / 64
            bits = [UInt64](repeating: 0, count: max(1, words * steps.count))
            for step in Topology.order(steps) {
                guard let i = index[step.id] else { continue }
                for need in step.needs {
                    guard let j = index[need], j != i else { continue }
                    bits[i * words + j / 64] |= 1 << UInt64(j % 64)
                    for w in 0..<words { bits[i * words + w] |= bits[j * words + w] }
                }
            }
        }

        func isUpstream(_ a: String, of b: String) -> Bool {
            guard let i = index[b], let j = index[a] else { return false }
            return bits[i * words + j / 64] & (1 << UInt64(j % 64)) != 0
        }
    }
}
