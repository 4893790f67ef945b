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

    /// Which matrix each step runs under: the id of the step that declares it, or nil. Steps come in
    /// dependency order. A problem (a step under two matrices) is reported and the step gets none.
    static func families(_ ordered: [StepSpec]) -> (family: [String: String], problems: [(step: String, message: String)]) {
        var family: [String: String] = [:]
        var problems: [(step: String, message: String)] = []
        for step in ordered {
            let inherited = step.needs.compactMap { need in family[need].map { (need: need, family: $0) } }
            if step.matrix.spec != nil {
                family[step.id] = step.id
                if !step.matrix.gather, let first = inherited.first {
                    problems.append((step.id, "step '\(step.id)' has its own matrix and needs '\(first.need)', which runs once per item of "
                                     + "'\(first.family)''s matrix: add `gather: true` to run after all of its items, or remove this matrix to run once per item"))
                }
            } else if step.matrix.gather {
                if inherited.isEmpty {
                    problems.append((step.id, "steps.\(step.id).gather: none of its `needs:` runs under a matrix; remove `gather: true`"))
                }
            } else if let first = inherited.first {
                if let other = inherited.first(where: { $0.family != first.family }) {
                    problems.append((step.id, "step '\(step.id)' needs '\(first.need)' and '\(other.need)', which run under different matrices "
                                     + "('\(first.family)', '\(other.family)'): add `gather: true` to run once after all of their items"))
                } else {
                    family[step.id] = first.family
                }
            }
        }
        return (family, problems)
    }

    /// The steps with every matrix step replaced by its instances, in place (file order kept).
    /// `family` is from ``families(_:)``; the workflow has been validated.
    static func expand(_ steps: [StepSpec], family: [String: String]) -> [StepSpec] {
        guard !family.isEmpty else { return steps }
        let specs = Dictionary(steps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var combinations: [String: [MatrixCombination]] = [:]
        for owner in Set(family.values) { combinations[owner] = specs[owner]?.matrix.spec.map(Self.combinations) ?? [] }
        func instanceID(_ step: String, _ item: MatrixCombination) -> String { "\(step)[\(item.label)]" }
        func instances(of step: String) -> [GatheredInstance] {
            guard let owner = family[step] else { return [GatheredInstance(id: step, values: [:])] }
            return (combinations[owner] ?? []).map { GatheredInstance(id: instanceID(step, $0), values: $0.values) }
        }
        let members = Dictionary(grouping: family.keys.sorted(), by: { family[$0]! })

        var out: [StepSpec] = []
        for step in steps {
            // Needs outside this step's own matrix: shared steps once, gathered steps all their items.
            var gathered: [String: [GatheredInstance]] = [:]
            func needs(sameFamily: (String) -> String) -> [String] {
                step.needs.flatMap { need -> [String] in
                    guard let needFamily = family[need] else { return [need] }
                    if needFamily == family[step.id] { return [sameFamily(need)] }
                    let all = instances(of: need)
                    gathered[need] = all
                    return all.map(\.id)
                }
            }
            guard let owner = family[step.id] else {
                var plain = step
                plain.needs = needs(sameFamily: { $0 })
                plain.matrix.gathered = gathered
                out.append(plain)
                continue
            }
            let items = combinations[owner] ?? []
            let lanes = step.id == owner ? step.matrix.spec?.maxParallel : nil
            for (index, item) in items.enumerated() {
                var instance = step
                instance.id = instanceID(step.id, item)
                instance.needs = needs(sameFamily: { instanceID($0, item) })
                // max_parallel N: item i waits for item i−N, so at most N run at once without the
                // claim knowing about matrices (docs/architecture.md says why and what it costs).
                if let lanes, index >= lanes { instance.needs.append(instanceID(step.id, items[index - lanes])) }
                instance.matrix.declaredID = step.id
                instance.matrix.values = item.values
                instance.matrix.gathered = gathered
                for member in members[owner] ?? [] where member != step.id { instance.matrix.aliases[member] = instanceID(member, item) }
                out.append(instance)
            }
        }
        return out
    }
}
