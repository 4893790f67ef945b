/// Turns matrix steps into ordinary steps, one per item, at validation (so the run stores,
/// claims, retries, caches and logs each instance like any step; docs/architecture.md, "Matrix sweeps").
///
/// The rules (docs/experiments.md): a step with `matrix:` runs once per combination; a step that
/// needs a matrix step (directly) runs once per item of that matrix too — it *inherits* it, and its
/// item `i` needs item `i` of the step it needs; a step with `gather: true` runs once, after all the
/// items of the matrix steps it needs.
public enum MatrixExpansion {
    /// The combinations of `spec`, in order: the product of the axes (the first name varies
    /// slowest), less the `exclude` matches, then `include` applied as GitHub Actions does.
    public static func combinations(_ spec: MatrixSpec) -> [MatrixCombination] {
        var base: [[String: Value]] = spec.axes.isEmpty ? [] : [[:]]
        for axis in spec.axes {
            base = base.flatMap { combination in
                axis.values.map { value in
                    var next = combination
                    next[axis.name] = value
                    return next
                }
            }
        }
        base.removeAll { combination in
            spec.exclude.contains { partial in partial.allSatisfy { combination[$0.key] == $0.value } }
        }
        let original = Set(spec.axes.map(\.name))
        var names = spec.axes.map(\.name)
        var result = base
        for partial in spec.include {
            var added = false
            // An entry extends every original combination it does not contradict on an original name;
            // values added by an earlier entry may be replaced. No match: it is a combination of its own.
            for i in base.indices where partial.allSatisfy({ !original.contains($0.key) || base[i][$0.key] == $0.value }) {
                for (name, value) in partial where !original.contains(name) { result[i][name] = value }
                added = true
            }
            if !added { result.append(partial) }
            for name in partial.keys.sorted() where !names.contains(name) { names.append(name) }
        }
        return result.map { values in MatrixCombination(names: names.filter { values[$0] != nil }, values: values) }
    }

    /// The size of the plain product, saturating (so a huge matrix is refused before it is built).
    static func productSize(_ spec: MatrixSpec) -> Int {
        var size = spec.axes.isEmpty ? 0 : 1
        for axis in spec.axes {
            let (next, overflow) = size.multipliedReportingOverflow(by: axis.values.count)
            size = overflow ? Int.max : next
        }
        return size
    }

    /// Which matrix each step runs under (the id of the step that declares it, or nil), and for a matrix
    /// step that needs another matrix step, that step's matrix (its *parent*: the step runs once per
    /// parent item × own combination). Steps come in dependency order. A step that would run under two
    /// unrelated matrices is a problem, reported; the step then gets none.
    static func families(
        _ ordered: [StepSpec]
    ) -> (family: [String: String], parent: [String: String], problems: [(step: String, message: String)]) {
        var family: [String: String] = [:]
        var parent: [String: String] = [:]
        var problems: [(step: String, message: String)] = []
        func ancestors(_ f: String) -> [String] {
            var chain = [f]
            while let p = parent[chain.last!] { chain.append(p) }
            return chain
        }
        for step in ordered {
            let inherited = step.matrix.gather ? [] : step.needs.compactMap { need in family[need].map { (need: need, family: $0) } }
            // The deepest matrix among the needs; every other must be one of its ancestors.
            var deepest: (need: String, family: String)?
            for candidate in inherited {
                guard let current = deepest else { deepest = candidate; continue }
                if ancestors(candidate.family).contains(current.family) {
                    deepest = candidate
                } else if !ancestors(current.family).contains(candidate.family) {
                    problems.append(
                        (
                            step.id,
                            "step '\(step.id)' needs '\(current.need)' and '\(candidate.need)', which run under different matrices "
                                + "('\(current.family)', '\(candidate.family)'): add `gather: true` to run once after all of their items"
                        ))
                    deepest = nil
                    break
                }
            }
            if step.matrix.gather, !step.needs.contains(where: { family[$0] != nil }) {
                problems.append((step.id, "steps.\(step.id).gather: none of its `needs:` runs under a matrix; remove `gather: true`"))
            }
            if step.matrix.spec != nil {
                family[step.id] = step.id
                if let deepest { parent[step.id] = deepest.family }
            } else if let deepest, problems.last?.step != step.id {
                family[step.id] = deepest.family
            }
        }
        return (family, parent, problems)
    }

    /// One item of a matrix: its whole combination (parents' names first), and the combination of
    /// each matrix it descends from, by owner (itself included).
    struct Item {
        var combination: MatrixCombination
        var lineage: [String: MatrixCombination]
    }

    /// The items of `owner`'s matrix: its combinations, under each item of its parent.
    static func items(of owner: String, specs: [String: StepSpec], parent: [String: String]) -> [Item] {
        let own = specs[owner]?.matrix.spec.map(combinations) ?? []
        guard let up = parent[owner] else { return own.map { Item(combination: $0, lineage: [owner: $0]) } }
        return items(of: up, specs: specs, parent: parent).flatMap { base in
            own.map { combination in
                let merged = MatrixCombination(
                    names: base.combination.names + combination.names.filter { !base.combination.names.contains($0) },
                    values: base.combination.values.merging(combination.values) { a, _ in a })
                var lineage = base.lineage
                lineage[owner] = merged
                return Item(combination: merged, lineage: lineage)
            }
        }
    }

    /// The steps with every matrix step replaced by its instances, in place (file order kept).
    /// `family` and `parent` are from ``families(_:)``; the workflow has been validated.
    static func expand(_ steps: [StepSpec], family: [String: String], parent: [String: String] = [:]) -> [StepSpec] {
        guard !family.isEmpty else { return steps }
        let specs = Dictionary(steps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var itemsByOwner: [String: [Item]] = [:]
        for owner in Set(family.values) { itemsByOwner[owner] = items(of: owner, specs: specs, parent: parent) }
        func instanceID(_ step: String, _ combination: MatrixCombination) -> String { "\(step)[\(combination.label)]" }
        func instances(of step: String) -> [GatheredInstance] {
            guard let owner = family[step] else { return [GatheredInstance(id: step, values: [:])] }
            return (itemsByOwner[owner] ?? []).map { GatheredInstance(id: instanceID(step, $0.combination), values: $0.combination.values) }
        }
        let members = Dictionary(grouping: family.keys.sorted(), by: { family[$0]! })

        var out: [StepSpec] = []
        for step in steps {
            // Needs outside this step's matrix line: shared steps once, gathered steps all their items.
            var gathered: [String: [GatheredInstance]] = [:]
            func needs(_ lineage: [String: MatrixCombination]) -> [String] {
                step.needs.flatMap { need -> [String] in
                    guard let needFamily = family[need] else { return [need] }
                    if let combination = lineage[needFamily] { return [instanceID(need, combination)] }
                    let all = instances(of: need)
                    gathered[need] = all
                    return all.map(\.id)
                }
            }
            guard let owner = family[step.id] else {
                var plain = step
                plain.needs = needs([:])
                plain.matrix.gathered = gathered
                out.append(plain)
                continue
            }
            let items = itemsByOwner[owner] ?? []
            let lanes = step.id == owner ? step.matrix.spec?.maxParallel : nil
            for (index, item) in items.enumerated() {
                var instance = step
                instance.id = instanceID(step.id, item.combination)
                instance.needs = needs(item.lineage)
                // max_parallel N: item i waits for item i−N, so at most N run at once without the
                // claim knowing about matrices (docs/architecture.md says why and what it costs).
                if let lanes, index >= lanes { instance.needs.append(instanceID(step.id, items[index - lanes].combination)) }
                instance.matrix.declaredID = step.id
                instance.matrix.values = item.combination.values
                instance.matrix.gathered = gathered
                for (lineOwner, combination) in item.lineage {
                    for member in members[lineOwner] ?? [] where member != step.id {
                        instance.matrix.aliases[member] = instanceID(member, combination)
                    }
                }
                out.append(instance)
            }
        }
        return out
    }
}
