import Foundation

/// Turns a composed YAML tree into a ``Workflow``, collecting every problem on the way.
struct WorkflowDecoder {
    static let topKeys = [
        "name", "description", "version", "params", "inputs", "defaults", "steps", "triggers", "notify", "sla", "priority",
    ]
    static let stepKeys = [
        "uses", "run", "with", "needs", "retries", "timeout", "if", "env", "working_directory", "description", "cache", "cpu", "pool",
        "matrix", "gather", "sla",
    ]
    static let paramKeys = ["type", "default", "enum", "description"]
    static let inputKeys = ["type", "required", "description"]
    static let retryKeys = ["max", "delay", "backoff", "max_delay"]
    static let folderKeys = ["path", "include", "stable_seconds", "done_file"]

    var reader = NodeReader()
    let knownSteps: Set<String>
    let file: String
    let text: String

    /// Strings that may hold expressions, with where they are and which step uses them.
    private var expressionSites: [(text: String, mark: SourceMark, quoted: Bool, step: String?, field: String)] = []
    /// Indices in `expressionSites` of scripts for `/bin/sh -c`, where values are quoted by context.
    private var shellScripts: Set<Int> = []
    private(set) var stepMarks: [String: SourceMark] = [:]
    /// `matrix:`/`gather:` state (WorkflowDecoder+Matrix.swift).
    var matrixState = MatrixDecoding()
    private var needMarks: [String: [String: SourceMark]] = [:]
    private var paramMarks: [String: SourceMark] = [:]
    /// `triggers: schedule:` (WorkflowDecoder+Triggers.swift).
    var schedule: Schedule?

    /// The file's lines, to place expressions inside block scalars.
    private let sourceLines: [Substring]

    init(knownSteps: Set<String>, file: String, text: String) {
        self.knownSteps = knownSteps
        self.file = file
        self.text = text
        sourceLines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    mutating func decode(_ root: YAMLNode) -> Workflow? {
        guard let top = reader.mapping(root, "workflow", allowed: Self.topKeys) else { return nil }
        let fields = Dictionary(top.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })

        var name = ""
        if let f = fields["name"] {
            if let s = reader.string(f.value, "name") {
                name = s
                if !s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) {
                    reader.error(f.value.mark, "name: use letters, digits, '-', '_' or '.', got \"\(s)\"")
                }
            }
        } else {
            reader.error(root.mark, "missing required key 'name'")
        }
        let description = fields["description"].flatMap { reader.string($0.value, "description") } ?? ""
        var version = 1
        if let f = fields["version"] {
            if let v = reader.integer(f.value, "version", minimum: 1) {
                version = v
                if v != 1 { reader.error(f.value.mark, "version: this flowrun reads version 1, got \(v)") }
            }
        } else {
            reader.error(root.mark, "missing required key 'version' (write `version: 1`)")
        }

        let params = fields["params"].map { decodeParams($0.value) } ?? []
        let inputs = fields["inputs"].map { decodeInputs($0.value) } ?? []
        let defaults = fields["defaults"].map { decodeDefaults($0.value) } ?? StepDefaults()
        var steps: [StepSpec] = []
        if let f = fields["steps"] {
            steps = decodeSteps(f.value, defaults: defaults)
            if case .mapping(let pairs, _) = f.value, pairs.isEmpty {
                reader.error(f.value.mark, "steps: a workflow needs at least one step")
            }
        } else {
            reader.error(root.mark, "missing required key 'steps'")
        }
        let triggers = fields["triggers"].map { decodeTriggers($0.value, params: params, inputs: inputs) } ?? []

        checkGraph(steps)
        checkMatrixFamilies(steps)
        checkExpressions(steps: steps, params: params, inputs: inputs)
        // Matrix steps become their instances (Graph/MatrixExpansion.swift); only a valid graph expands.
        if !reader.diagnostics.contains(where: { $0.severity == .error }) {
            steps = MatrixExpansion.expand(steps, family: matrixState.family, parent: matrixState.parent)
        }

        var workflow = Workflow(
            name: name, description: description, version: version, params: params, inputs: inputs,
            defaults: defaults, steps: steps, triggers: triggers, file: file, sourceText: text)
        decodeNotifyKeys(fields, into: &workflow)
        decodePriority(fields, into: &workflow)
        workflow.schedule = schedule
        return workflow
    }

    // MARK: Sections

    private mutating func decodeParams(_ node: YAMLNode) -> [ParamSpec] {
        guard let pairs = reader.mapping(node, "params") else { return [] }
        var out: [ParamSpec] = []
        for (name, keyMark, value) in pairs {
            paramMarks[name] = keyMark
            let field = "params.\(name)"
            // A bare value is the default; its type is inferred.
            guard case .mapping = value else {
                let v = value.value
                guard let type = Self.inferType(v) else {
                    reader.error(
                        value.mark, "\(field): a default needs a value; write `\(name): { type: string }` for a param without default")
                    continue
                }
                out.append(ParamSpec(name: name, type: type, defaultValue: v, allowed: nil, description: ""))
                continue
            }
            guard let keys = reader.mapping(value, field, allowed: Self.paramKeys) else { continue }
            let f = Dictionary(keys.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            var type: ParamType?
            if let t = f["type"], let s = reader.string(t.value, "\(field).type") {
                type = ParamType(rawValue: s)
                if type == nil {
                    reader.error(
                        t.value.mark,
                        "\(field).type: unknown type '\(s)'" + Suggestion.hint(for: s, in: ParamType.allCases.map(\.rawValue))
                            + " (types: \(ParamType.allCases.map(\.rawValue).joined(separator: ", ")))")
                    continue
                }
            }
            let defaultValue = f["default"]?.value.value
            if type == nil { type = defaultValue.flatMap(Self.inferType) }
            guard let type else {
                reader.error(keyMark, "\(field): give a `type:` or a `default:`")
                continue
            }
            var allowed: [Value]?
            if let e = f["enum"] {
                if case .sequence(let items, _) = e.value, !items.isEmpty {
                    allowed = items.map(\.value)
                    for item in items where !type.accepts(item.value) {
                        reader.error(item.mark, "\(field).enum: expected \(type.phrase), got \(NodeReader.describe(item))")
                    }
                } else {
                    reader.error(
                        e.value.mark, "\(field).enum: expected a non-empty list of allowed values, got \(NodeReader.describe(e.value))")
                }
            }
            let spec = ParamSpec(
                name: name, type: type, defaultValue: defaultValue == .null ? nil : defaultValue,
                allowed: allowed, description: f["description"].flatMap { reader.string($0.value, "\(field).description") } ?? "")
            if let d = spec.defaultValue, let dNode = f["default"]?.value {
                do { _ = try spec.check(d) } catch { reader.error(dNode.mark, "\(field).default: \(error.message)") }
            }
            out.append(spec)
        }
        return out
    }

    private static func inferType(_ v: Value) -> ParamType? {
        switch v {
        case .string: .string
        case .number: .number
        case .bool: .bool
        case .list: .list
        case .map: .map
        case .null: nil
        }
    }

    private mutating func decodeInputs(_ node: YAMLNode) -> [InputSpec] {
        guard let pairs = reader.mapping(node, "inputs") else { return [] }
        var out: [InputSpec] = []
        let kinds = InputSpec.Kind.allCases.map(\.rawValue)
        for (name, _, value) in pairs {
            let field = "inputs.\(name)"
            if case .scalar(let s, _, let mark) = value {
                guard let kind = InputSpec.Kind(rawValue: s) else {
                    reader.error(
                        mark,
                        "\(field): unknown input type '\(s)'" + Suggestion.hint(for: s, in: kinds)
                            + " (types: \(kinds.joined(separator: ", ")))")
                    continue
                }
                out.append(InputSpec(name: name, type: kind, required: true, description: ""))
                continue
            }
            guard let keys = reader.mapping(value, field, allowed: Self.inputKeys) else { continue }
            let f = Dictionary(keys.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            var kind = InputSpec.Kind.string
            if let t = f["type"], let s = reader.string(t.value, "\(field).type") {
                if let k = InputSpec.Kind(rawValue: s) {
                    kind = k
                } else {
                    reader.error(
                        t.value.mark,
                        "\(field).type: unknown input type '\(s)'" + Suggestion.hint(for: s, in: kinds)
                            + " (types: \(kinds.joined(separator: ", ")))")
                }
            }
            let required = f["required"].flatMap { reader.bool($0.value, "\(field).required") } ?? true
            out.append(
                InputSpec(
                    name: name, type: kind, required: required,
                    description: f["description"].flatMap { reader.string($0.value, "\(field).description") } ?? ""))
        }
        return out
    }

    private mutating func decodeDefaults(_ node: YAMLNode) -> StepDefaults {
        guard let pairs = reader.mapping(node, "defaults", allowed: ["retries", "timeout", "cache"]) else { return StepDefaults() }
        var defaults = StepDefaults()
        for (key, _, value) in pairs {
            if key == "retries", let r = decodeRetries(value, "defaults.retries", base: RetryPolicy()) { defaults.retry = r }
            if key == "timeout" { defaults.timeout = reader.duration(value, "defaults.timeout") }
            if key == "cache" { defaults.cache = reader.bool(value, "defaults.cache") }
        }
        return defaults
    }

    private mutating func decodeRetries(_ node: YAMLNode, _ field: String, base: RetryPolicy) -> RetryPolicy? {
        var policy = base
        if case .scalar = node {
            guard let n = reader.integer(node, field) else { return nil }
            policy.maxRetries = n
            return policy
        }
        guard let pairs = reader.mapping(node, field, allowed: Self.retryKeys) else { return nil }
        for (key, _, value) in pairs {
            switch key {
            case "max": if let n = reader.integer(value, "\(field).max") { policy.maxRetries = n }
            case "delay": if let d = reader.duration(value, "\(field).delay") { policy.delay = d }
            case "max_delay": if let d = reader.duration(value, "\(field).max_delay") { policy.maxDelay = d }
            case "backoff":
                if let s = reader.string(value, "\(field).backoff") {
                    if let b = RetryPolicy.Backoff(rawValue: s) {
                        policy.backoff = b
                    } else {
                        reader.error(
                            value.mark,
                            "\(field).backoff: expected fixed or exponential, got \"\(s)\""
                                + Suggestion.hint(for: s, in: ["fixed", "exponential"]))
                    }
                }
            default: break
            }
        }
        if policy.maxRetries > 100 { reader.error(node.mark, "\(field): at most 100 retries, got \(policy.maxRetries)") }
        return policy
    }

    private mutating func decodeSteps(_ node: YAMLNode, defaults: StepDefaults) -> [StepSpec] {
        guard let pairs = reader.mapping(node, "steps") else { return [] }
        var out: [StepSpec] = []
        for (id, keyMark, value) in pairs {
            stepMarks[id] = keyMark
            if id.isEmpty || !id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) || id.first!.isNumber {
                reader.error(keyMark, "steps: step id '\(id)' must start with a letter and use letters, digits, '_' or '-'")
            }
            if let step = decodeStep(id: id, node: value, defaults: defaults) { out.append(step) }
        }
        return out
    }

    private mutating func decodeStep(id: String, node: YAMLNode, defaults: StepDefaults) -> StepSpec? {
        let field = "steps.\(id)"
        guard let pairs = reader.mapping(node, field, allowed: Self.stepKeys) else { return nil }
        let f = Dictionary(pairs.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var action: StepAction?
        switch (f["uses"], f["run"]) {
        case (nil, nil):
            reader.error(
                node.mark,
                "\(field): give `uses:` (a step such as \(knownSteps.sorted().prefix(4).joined(separator: ", "))) or `run:` (a command)")
        case (.some(let uses), .some):
            reader.error(uses.keyMark, "\(field): give either `uses:` or `run:`, not both")
        case (.some(let uses), nil):
            if let name = reader.string(uses.value, "\(field).uses") {
                action = .uses(name)
                if !knownSteps.contains(name) {
                    reader.error(
                        uses.value.mark,
                        "\(field).uses: unknown step '\(name)'" + Suggestion.hint(for: name, in: knownSteps)
                            + " (known: \(knownSteps.sorted().joined(separator: ", ")))")
                }
            }
        case (nil, .some(let run)):
            switch run.value {
            case .scalar(let s, _, let mark):
                if s.trimmingCharacters(in: .whitespaces).isEmpty {
                    reader.error(mark, "\(field).run: the command is empty")
                } else {
                    action = .run(.shell(s))
                    shellScripts.insert(expressionSites.count)
                    expressionSites.append((s, mark, !isPlain(run.value), id, "\(field).run"))
                }
            case .sequence(let items, let mark):
                var args: [String] = []
                for item in items {
                    guard case .scalar(let s, _, let m) = item else {
                        reader.error(item.mark, "\(field).run[]: expected a string, got \(NodeReader.describe(item))")
                        continue
                    }
                    args.append(s)
                    expressionSites.append((s, m, !isPlain(item), id, "\(field).run"))
                }
                if items.isEmpty { reader.error(mark, "\(field).run: the argument list is empty") } else { action = .run(.argv(args)) }
            case .mapping(_, let mark):
                reader.error(mark, "\(field).run: expected a command string or a list of arguments, got a map")
            }
        }

        var with: [String: Value] = [:]
        if let w = f["with"], let entries = reader.mapping(w.value, "\(field).with") {
            for (key, _, value) in entries {
                with[key] = value.value
                // `uses: command` with a string `command:` is what `run:` becomes: the same shell script.
                if action == .uses("command"), key == "command", case .scalar(let s, _, _) = value, s.contains("${{") {
                    shellScripts.insert(expressionSites.count)
                }
                collectSites(value, step: id, field: "\(field).with.\(key)")
            }
        }
        var needs: [String] = []
        if let n = f["needs"], let list = reader.strings(n.value, "\(field).needs") {
            var seen = Set<String>()
            for (name, mark) in list {
                if name == id { reader.error(mark, "\(field).needs: a step cannot need itself"); continue }
                if !seen.insert(name).inserted { reader.warning(mark, "\(field).needs: '\(name)' is listed twice"); continue }
                needs.append(name)
                needMarks[id, default: [:]][name] = mark
            }
        }
        let retry = f["retries"].flatMap { decodeRetries($0.value, "\(field).retries", base: defaults.retry) } ?? defaults.retry
        let timeout = f["timeout"].map { reader.duration($0.value, "\(field).timeout") } ?? defaults.timeout
        var condition: String?
        if let c = f["if"] {
            if case .scalar(let s, let plain, let mark) = c.value {
                if plain, let b = YAMLNode.plainValue(s).boolValue {
                    condition = b ? "true" : "false"
                } else {
                    let inner = Expressions.unwrap(s)
                    condition = inner
                    let isWrapped = inner != s
                    expressionSites.append((isWrapped ? s : "${{" + s + "}}", mark, !plain, id, "\(field).if"))
                    if !isWrapped { adjustLastSiteForBareCondition() }
                }
            } else {
                reader.error(
                    c.value.mark,
                    "\(field).if: expected a condition such as ${{ params.model_type == 'ridge' }}, got \(NodeReader.describe(c.value))")
            }
        }
        var env: [String: String] = [:]
        if let e = f["env"], let entries = reader.mapping(e.value, "\(field).env") {
            if case .uses = action {
                reader.warning(e.keyMark, "\(field).env: only `run:` steps get environment variables; this step ignores it")
            }
            for (key, _, value) in entries {
                guard case .scalar(let s, _, _) = value else {
                    reader.error(value.mark, "\(field).env.\(key): expected a string, got \(NodeReader.describe(value))")
                    continue
                }
                env[key] = s
                collectSites(value, step: id, field: "\(field).env.\(key)")
            }
        }
        var workingDirectory: String?
        if let w = f["working_directory"] {
            workingDirectory = reader.string(w.value, "\(field).working_directory")
            collectSites(w.value, step: id, field: "\(field).working_directory")
        }
        let cache = f["cache"].map { reader.bool($0.value, "\(field).cache") } ?? defaults.cache
        // A step with a bad action stays in the graph so its dependents are checked too;
        // the recorded error keeps the workflow from being used.
        var step = StepSpec(
            id: id, action: action ?? .uses(""), with: with, needs: needs, retry: retry, timeout: timeout,
            condition: condition, env: env, workingDirectory: workingDirectory, cache: cache)
        step.sla = f["sla"].flatMap { reader.duration($0.value, "\(field).sla") }
        decodeSlotKeys(f, field: field, into: &step)
        step.matrix = decodeMatrixPart(f, field: field, id: id)
        return step
    }

    /// A bare `if: a == b` is checked as `${{a == b}}`; shift its column back by the 3 added characters.
    private mutating func adjustLastSiteForBareCondition() {
        guard var last = expressionSites.popLast() else { return }
        last.mark.column -= 3
        expressionSites.append(last)
    }

    private func isPlain(_ node: YAMLNode) -> Bool {
        if case .scalar(_, let plain, _) = node { return plain }
        return false
    }

    private mutating func collectSites(_ node: YAMLNode, step: String?, field: String) {
        switch node {
        case .scalar(let s, let plain, let mark):
            if s.contains("${{") { expressionSites.append((s, mark, !plain, step, field)) }
        case .sequence(let items, _):
            for item in items { collectSites(item, step: step, field: field) }
        case .mapping(let pairs, _):
            for pair in pairs { collectSites(pair.value, step: step, field: field + "." + (pair.key.text ?? "?")) }
        }
    }

    private mutating func decodeTriggers(_ node: YAMLNode, params: [ParamSpec], inputs: [InputSpec]) -> [FolderTrigger] {
        guard let pairs = reader.mapping(node, "triggers", allowed: ["folder", "schedule"]) else { return [] }
        var out: [FolderTrigger] = []
        for (key, _, value) in pairs {
            if key == "schedule" {
                schedule = decodeSchedule(value, params: params, inputs: inputs)
                continue
            }
            guard let keys = reader.mapping(value, "triggers.folder", allowed: Self.folderKeys) else { continue }
            let f = Dictionary(keys.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            var path = "inbound"
            if let p = f["path"], let s = reader.string(p.value, "triggers.folder.path") {
                if s.hasPrefix("/") || s.split(separator: "/").contains("..") {
                    reader.error(
                        p.value.mark, "triggers.folder.path: must be a folder under the data root (relative, no '..'), got \"\(s)\"")
                } else {
                    path = s
                }
            }
            let include = f["include"].flatMap { reader.strings($0.value, "triggers.folder.include") }?.map(\.0) ?? ["*"]
            let stable = f["stable_seconds"].flatMap { reader.number($0.value, "triggers.folder.stable_seconds") } ?? 5
            let done = f["done_file"].flatMap { reader.bool($0.value, "triggers.folder.done_file") } ?? false
            out.append(FolderTrigger(path: path, include: include, stableSeconds: stable, doneFile: done))
        }
        return out
    }

    // MARK: Graph and expressions

    private mutating func checkGraph(_ steps: [StepSpec]) {
        let ids = steps.map(\.id)
        let known = Set(stepMarks.keys)
        for step in steps {
            for need in step.needs where !known.contains(need) {
                let mark = needMarks[step.id]?[need] ?? stepMarks[step.id]!
                reader.error(mark, "steps.\(step.id).needs: unknown step '\(need)'" + Suggestion.hint(for: need, in: ids))
            }
        }
        for cycle in Topology.cycles(steps) {
            let first = cycle[0]
            let mark = needMarks[first]?.values.min() ?? stepMarks[first] ?? SourceMark(line: 1, column: 1)
            reader.error(mark, "cycle: " + cycle.joined(separator: " → "))
        }
    }

    private mutating func checkExpressions(steps: [StepSpec], params: [ParamSpec], inputs: [InputSpec]) {
        let upstream = Topology.Reachability(steps)
        let stepIDs = Set(stepMarks.keys)
        let paramNames = params.map(\.name)
        let inputNames = inputs.map(\.name)
        var usedParams = Set<String>()
        for (index, site) in expressionSites.enumerated() {
            let template: Template
            do { template = try Template.parse(site.text) } catch {
                reader.error(at(site, error.offset), "\(site.field): \(error.message)")
                continue
            }
            if shellScripts.contains(index) {
                for refusal in Expressions.shellRefusals(template) {
                    reader.error(at(site, refusal.offset), "\(site.field): \(refusal.message)")
                }
            }
            for piece in template.pieces {
                guard case .expression(let source, let base) = piece else { continue }
                let expression: Expression
                do { expression = try ExpressionParser.parse(source) } catch {
                    reader.error(at(site, base + error.offset), "\(site.field): \(error.message) in ${{\(source)}}")
                    continue
                }
                for ref in expression.references {
                    let mark = at(site, base + ref.offset)
                    let path = ref.path
                    let name = path.joined(separator: ".")
                    switch path[0] {
                    case "params":
                        guard path.count >= 2 else {
                            reader.error(mark, "\(site.field): '\(name)' names no param; write params.NAME"); continue
                        }
                        usedParams.insert(path[1])
                        if !paramNames.contains(path[1]) {
                            reader.error(
                                mark,
                                "\(site.field): param '\(path[1])' is not declared in `params:`"
                                    + Suggestion.hint(for: path[1], in: paramNames))
                        }
                    case "inputs":
                        guard path.count >= 2 else {
                            reader.error(mark, "\(site.field): '\(name)' names no input; write inputs.NAME"); continue
                        }
                        if !inputNames.contains(path[1]) {
                            reader.error(
                                mark,
                                "\(site.field): input '\(path[1])' is not declared in `inputs:`"
                                    + Suggestion.hint(for: path[1], in: inputNames))
                        }
                    case "steps":
                        if path.count >= 2, checkMatrixStepReference(path, mark: mark, step: site.step, field: site.field) { continue }
                        guard path.count >= 4, path[2] == "outputs" else {
                            reader.error(mark, "\(site.field): '\(name)': write steps.ID.outputs.NAME")
                            continue
                        }
                        let target = path[1]
                        if !stepIDs.contains(target) {
                            reader.error(mark, "\(site.field): unknown step '\(target)'" + Suggestion.hint(for: target, in: stepIDs))
                        } else if let user = site.step, !upstream.isUpstream(target, of: user) {
                            reader.error(mark, "\(site.field): step '\(target)' is not upstream of '\(user)'; add it to `needs:`")
                        } else if site.step == nil {
                            reader.error(mark, "\(site.field): step outputs can only be used inside steps")
                        }
                    case "matrix":
                        checkMatrixReference(path, mark: mark, step: site.step, field: site.field)
                    case "run":
                        if path != ["run", "id"] { reader.error(mark, "\(site.field): unknown name '\(name)'; only run.id is known") }
                    default:
                        reader.error(
                            mark,
                            "\(site.field): unknown name '\(name)'; expressions start with params., inputs., steps. or run."
                                + Suggestion.hint(for: path[0], in: ["params", "inputs", "steps", "run"]))
                    }
                }
            }
        }
        for param in params where !usedParams.contains(param.name) {
            reader.warning(paramMarks[param.name] ?? SourceMark(line: 1, column: 1), "params.\(param.name): declared but never used")
        }
    }

    /// The place of character `offset` of a site's text (one past the quote for quoted scalars).
    private func at(_ site: (text: String, mark: SourceMark, quoted: Bool, step: String?, field: String), _ offset: Int) -> SourceMark {
        let prefix = site.text.prefix(offset)
        let newlines = prefix.filter { $0 == "\n" }.count
        if let mark = literalBlockPlace(site, prefix: prefix, newlines: newlines) { return mark }
        if newlines > 0 {
            let lastLine = prefix.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
            return SourceMark(line: site.mark.line + newlines, column: lastLine.count + 1)
        }
        return SourceMark(line: site.mark.line, column: site.mark.column + offset + (site.quoted ? 1 : 0))
    }

    /// In a literal block scalar (`run: |`) the text's lines are the file's lines after the `|`,
    /// less the block's indentation: the place is exact, line and column.
    private func literalBlockPlace(
        _ site: (text: String, mark: SourceMark, quoted: Bool, step: String?, field: String),
        prefix: Substring, newlines: Int
    ) -> SourceMark? {
        guard site.quoted, site.mark.line >= 1, site.mark.line + newlines < sourceLines.count else { return nil }
        let indicatorLine = sourceLines[site.mark.line - 1]
        guard site.mark.column >= 1, site.mark.column <= indicatorLine.count,
            indicatorLine[indicatorLine.index(indicatorLine.startIndex, offsetBy: site.mark.column - 1)] == "|"
        else { return nil }
        let contentLine = site.text.split(separator: "\n", omittingEmptySubsequences: false)[newlines]
        let fileLine = sourceLines[site.mark.line + newlines]
        guard fileLine.hasSuffix(contentLine) else { return nil }
        let column = prefix.count - (prefix.lastIndex(of: "\n").map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0)
        return SourceMark(line: site.mark.line + 1 + newlines, column: fileLine.count - contentLine.count + column + 1)
    }
}
