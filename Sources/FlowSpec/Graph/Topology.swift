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

    /// For each step, the set of steps upstream of it (directly or transitively).
    static func ancestors(_ steps: [StepSpec]) -> [String: Set<String>] {
        let byID = Dictionary(steps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var memo: [String: Set<String>] = [:]
        var visiting = Set<String>()
        func compute(_ id: String) -> Set<String> {
            if let known = memo[id] { return known }
            guard let step = byID[id], visiting.insert(id).inserted else { return [] }
            var result = Set<String>()
            for need in step.needs where byID[need] != nil {
                result.insert(need)
                result.formUnion(compute(need))
            }
            visiting.remove(id)
            memo[id] = result
            return result
        }
        for step in steps { _ = compute(step.id) }
        return memo
    }
}
