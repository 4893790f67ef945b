/// Reading `matrix:` and `gather:`, checking `${{ matrix.NAME }}` and `${{ steps.ID.items }}`,
/// and expanding matrix steps into their instances (``MatrixExpansion``).
struct MatrixDecoding {
    static let matrixKeys = ["include", "exclude", "max_parallel"]
    /// Where each step's `matrix:` / `gather:` key is, for errors about the step as a whole.
    var marks: [String: SourceMark] = [:]
    /// Declared step id → the id of the step whose matrix it runs under.
    var family: [String: String] = [:]
    /// Matrix owner → the matrix it runs under (``MatrixExpansion/families(_:)``).
    var parent: [String: String] = [:]
    /// Matrix owner → every name its items have.
    var names: [String: Set<String>] = [:]
    var gathers: Set<String> = []
}

extension WorkflowDecoder {
    /// The step's `matrix:` and `gather:`. `fields` are the step's keys.
    mutating func decodeMatrixPart(
        _ fields: [String: (key: String, keyMark: SourceMark, value: YAMLNode)], field: String, id: String
    ) -> MatrixPart {
        var part = MatrixPart()
        if let g = fields["gather"] {
            part.gather = reader.bool(g.value, "\(field).gather") ?? false
            if part.gather { matrixState.gathers.insert(id) }
            matrixState.marks[id] = g.keyMark
        }
        guard let m = fields["matrix"] else { return part }
        matrixState.marks[id] = m.keyMark
        guard let pairs = reader.mapping(m.value, "\(field).matrix") else { return part }
        var axes: [(name: String, values: [Value])] = []
        var spec = MatrixSpec(axes: [])
        for (name, keyMark, value) in pairs {
            let place = "\(field).matrix.\(name)"
            switch name {
            case "include", "exclude":
                let combinations = decodePartials(value, place)
                if name == "include" { spec.include = combinations } else { spec.exclude = combinations }
            case "max_parallel":
                spec.maxParallel = reader.integer(value, place, minimum: 1)
            default:
                guard Self.isMatrixName(name) else {
                    reader.error(
                        keyMark, "\(place): a matrix name is letters, digits and '_' (starting with a letter or '_'), got \"\(name)\"")
                    continue
                }
                guard case .sequence(let items, _) = value else {
                    reader.error(value.mark, "\(place): expected a list of values, got \(NodeReader.describe(value))")
                    continue
                }
                if items.isEmpty { reader.error(value.mark, "\(place): the list is empty; give at least one value"); continue }
                var values: [Value] = []
                for item in items {
                    guard let v = scalarValue(item, "\(place)[]") else { continue }
                    if values.contains(v) { reader.error(item.mark, "\(place): \(v.jsonText) is listed twice"); continue }
                    values.append(v)
                }
                axes.append((name, values))
            }
        }
        spec.axes = axes
        let axisNames = Set(axes.map(\.name))
        for partial in spec.exclude {
            for key in partial.keys.sorted() where !axisNames.contains(key) {
                reader.error(
                    m.keyMark,
                    "\(field).matrix.exclude: '\(key)' is not a name of this matrix" + Suggestion.hint(for: key, in: axes.map(\.name)))
            }
        }
        let product = MatrixExpansion.productSize(spec)
        if axes.isEmpty, spec.include.isEmpty {
            reader.error(
                m.value.mark, "\(field).matrix: the matrix is empty; give a name with a list of values (model_type: [logistic, forest])")
        } else if product > MatrixSpec.maxCombinations {
            reader.error(
                m.value.mark,
                "\(field).matrix: \(product == Int.max ? "too many" : String(product)) combinations; at most \(MatrixSpec.maxCombinations) are allowed"
            )
        } else {
            let combinations = MatrixExpansion.combinations(spec)
            if combinations.isEmpty {
                reader.error(m.value.mark, "\(field).matrix: `exclude` removes every combination; nothing would run")
            } else if combinations.count > MatrixSpec.maxCombinations {
                reader.error(
                    m.value.mark,
                    "\(field).matrix: \(combinations.count) combinations with `include`; at most \(MatrixSpec.maxCombinations) are allowed")
            } else if let twice = Dictionary(grouping: combinations, by: \.label).first(where: { $0.value.count > 1 }) {
                reader.error(m.value.mark, "\(field).matrix: the combination \(twice.key) comes \(twice.value.count) times")
            }
            matrixState.names[id] = Set(combinations.flatMap(\.names))
        }
        part.spec = spec
        return part
    }

    /// A list of maps from matrix names to single values (an `include`/`exclude` list).
    private mutating func decodePartials(_ node: YAMLNode, _ place: String) -> [[String: Value]] {
        guard case .sequence(let items, _) = node else {
            reader.error(
                node.mark,
                "\(place): expected a list of maps such as - { model_type: forest, window: 50 }, got \(NodeReader.describe(node))")
            return []
        }
        var out: [[String: Value]] = []
        for item in items {
            guard let pairs = reader.mapping(item, "\(place)[]") else { continue }
            var partial: [String: Value] = [:]
            for (key, keyMark, value) in pairs {
                guard Self.isMatrixName(key) else {
                    reader.error(keyMark, "\(place)[]: a matrix name is letters, digits and '_', got \"\(key)\"")
                    continue
                }
                if let v = scalarValue(value, "\(place)[].\(key)") { partial[key] = v }
            }
            if partial.isEmpty { reader.error(item.mark, "\(place)[]: an empty combination matches nothing") } else { out.append(partial) }
        }
        return out
    }

    private mutating func scalarValue(_ node: YAMLNode, _ place: String) -> Value? {
        guard case .scalar(let s, let plain, _) = node else {
            reader.error(node.mark, "\(place): a matrix value is a string, number or bool, got \(NodeReader.describe(node))")
            return nil
        }
        let v = plain ? YAMLNode.plainValue(s) : .string(s)
        if v == .null { reader.error(node.mark, "\(place): a matrix value is a string, number or bool, got nothing"); return nil }
        return v
    }

    static func isMatrixName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    /// Which matrix each step runs under; a step that would run under two is an error at its key.
    /// A matrix under another (train's models under preprocess's windows) has both's names and
    /// their product of items, which the limit counts.
    mutating func checkMatrixFamilies(_ steps: [StepSpec]) {
        let (family, parent, problems) = MatrixExpansion.families(Topology.order(steps))
        matrixState.family = family
        matrixState.parent = parent
        for problem in problems {
            reader.error(matrixState.marks[problem.step] ?? stepMarks[problem.step] ?? SourceMark(line: 1, column: 1), problem.message)
        }
        guard problems.isEmpty else { return }
        let specs = Dictionary(steps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (owner, up) in parent.sorted(by: { $0.key < $1.key }) {
            let mark = matrixState.marks[owner] ?? stepMarks[owner] ?? SourceMark(line: 1, column: 1)
            let inherited = matrixState.names[up] ?? []
            for name in (matrixState.names[owner] ?? []).intersection(inherited).sorted() {
                reader.error(
                    mark, "steps.\(owner).matrix.\(name): '\(name)' is already a name of '\(up)''s matrix, which this step runs under")
            }
            let count = MatrixExpansion.items(of: owner, specs: specs, parent: parent).count
            if count > MatrixSpec.maxCombinations {
                reader.error(
                    mark, "steps.\(owner).matrix: \(count) items with '\(up)''s matrix; at most \(MatrixSpec.maxCombinations) are allowed")
            }
        }
        // Names known in a step: its matrix's and every ancestor's (parents are decided first in order).
        for step in Topology.order(steps) {
            if let up = parent[step.id] { matrixState.names[step.id, default: []].formUnion(matrixState.names[up] ?? []) }
        }
    }

    /// `matrix.NAME` at `mark`, in a site of step `step`.
    mutating func checkMatrixReference(_ path: [String], mark: SourceMark, step: String?, field: String) {
        guard let step, let owner = matrixState.family[step] else {
            reader.error(
                mark,
                "\(field): '\(path.joined(separator: "."))' is only known in a step that runs under a matrix (`matrix:`, or needs a matrix step)"
            )
            return
        }
        guard path.count == 2 else { reader.error(mark, "\(field): write matrix.NAME"); return }
        let names = matrixState.names[owner] ?? []
        if !names.contains(path[1]) {
            reader.error(
                mark,
                "\(field): '\(path[1])' is not a name of \(owner == step ? "this step's" : "'\(owner)''s") matrix"
                    + Suggestion.hint(for: path[1], in: names.sorted()) + " (names: \(names.sorted().joined(separator: ", ")))")
        }
    }

    /// `steps.ID.items` (a gathering step's list) and `steps.ID.outputs…` of a step under a matrix.
    /// True when the reference was about a matrix and has been checked here.
    mutating func checkMatrixStepReference(_ path: [String], mark: SourceMark, step: String?, field: String) -> Bool {
        let target = path[1]
        if path.count >= 3, path[2] == "items" {
            if matrixState.family[target] == nil {
                reader.error(mark, "\(field): step '\(target)' does not run under a matrix; read it with steps.\(target).outputs.NAME")
            } else if let step, !matrixState.gathers.contains(step) {
                reader.error(mark, "\(field): steps.\(target).items is read by a step with `gather: true`; add it to '\(step)'")
            }
            return true
        }
        guard let targetFamily = matrixState.family[target], let step else { return false }
        var line: [String] = []
        var current = matrixState.family[step]
        while let f = current { line.append(f); current = matrixState.parent[f] }
        if !line.contains(targetFamily) {
            reader.error(
                mark,
                "\(field): step '\(target)' runs once per item of a matrix; "
                    + (matrixState.gathers.contains(step)
                        ? "read its items with steps.\(target).items" : "read it in a step with `gather: true` as steps.\(target).items"))
            return true
        }
        return false
    }
}
