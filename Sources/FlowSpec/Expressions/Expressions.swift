import Foundation

/// The values an expression can name at run time.
public struct ExpressionContext: Sendable {
    public var params: [String: Value]
    public var inputs: [String: Value]
    /// Step id → output name → value, for the steps that have succeeded.
    public var stepOutputs: [String: [String: Value]]
    public var runID: String
    /// The item of a matrix instance: `${{ matrix.NAME }}` (empty outside a matrix).
    public var matrix: [String: Value] = [:]
    /// A gathering step's matrix steps: declared id → a list of `{id, matrix, outputs}` maps,
    /// `${{ steps.ID.items }}` (FlowSpec/Model/Matrix.swift).
    public var items: [String: [Value]] = [:]

    public init(params: [String: Value], inputs: [String: Value], stepOutputs: [String: [String: Value]], runID: String) {
        self.params = params
        self.inputs = inputs
        self.stepOutputs = stepOutputs
        self.runID = runID
    }
}

/// Resolving `${{ … }}` in step parameters and evaluating `if:` conditions.
public enum Expressions {
    /// Replaces every `${{ … }}` in the strings of `value` (recursively in lists and maps). A string
    /// that is exactly one expression becomes the expression's typed value (a number stays a
    /// number); otherwise values are interpolated into the text.
    public static func resolve(_ value: Value, in context: ExpressionContext) throws(ExpressionError) -> Value {
        switch value {
        case .string(let text):
            guard text.contains("${{") else { return value }
            let template = try Template.parse(text)
            if template.pieces.count == 1, case .expression(let source, _) = template.pieces[0] {
                return try evaluate(try ExpressionParser.parse(source), source: source, in: context)
            }
            var out = ""
            for piece in template.pieces {
                switch piece {
                case .text(let t): out += t
                case .expression(let source, _):
                    out += try evaluate(try ExpressionParser.parse(source), source: source, in: context).interpolated
                }
            }
            return .string(out)
        case .list(let items):
            var out: [Value] = []
            for item in items { out.append(try resolve(item, in: context)) }
            return .list(out)
        case .map(let map):
            var out: [String: Value] = [:]
            for (k, v) in map { out[k] = try resolve(v, in: context) }
            return .map(out)
        default:
            return value
        }
    }

    /// Replaces every `${{ … }}` in a script for `/bin/sh -c` with its value quoted as data for the
    /// place it is in (``ShellContext``): whatever the value holds — quotes, `$( … )`, `;`, newlines
    /// — the shell reads it as one piece of text, never as code. An expression where no quoting
    /// can make it data (a heredoc body, backticks, a comment, …) is an error; validation reports
    /// it before a run is made.
    public static func resolveShell(_ script: String, in context: ExpressionContext) throws(ExpressionError) -> String {
        guard script.contains("${{") else { return script }
        let template = try Template.parse(script)
        let contexts = ShellLexer.contexts(of: template)
        var out = ""
        var n = 0
        for piece in template.pieces {
            switch piece {
            case .text(let t): out += t
            case .expression(let source, let offset):
                let place = contexts[n]
                n += 1
                let expression = try ExpressionParser.parse(source)
                if case .refused(let why) = place {
                    throw ExpressionError(offset: offset - 3, message: why.message(expression: source, variable: shellVariable(expression)))
                }
                let value = try evaluate(expression, source: source, in: context).interpolated
                switch place.insert(value) {
                case .success(let text): out += text
                case .failure(let why):
                    throw ExpressionError(offset: offset - 3, message: why.message(expression: source, variable: shellVariable(expression)))
                }
            }
        }
        return out
    }

    /// Where each `${{ }}` of a `run:` script cannot be quoted as data: its offset (at `${{`) and
    /// the message. Empty when every expression can.
    static func shellRefusals(_ template: Template) -> [(offset: Int, message: String)] {
        var out: [(offset: Int, message: String)] = []
        let expressions = template.pieces.compactMap { piece -> (String, Int)? in
            if case .expression(let source, let offset) = piece { (source, offset) } else { nil }
        }
        for (context, (source, offset)) in zip(ShellLexer.contexts(of: template), expressions) {
            guard case .refused(let why) = context else { continue }
            let variable = (try? ExpressionParser.parse(source)).flatMap(shellVariable)
            out.append((offset - 3, why.message(expression: source, variable: variable)))
        }
        return out
    }

    /// The environment variable a `run:` command finds the same value in, for a plain reference.
    private static func shellVariable(_ expression: Expression) -> String? {
        if case .reference(let path, _) = expression { CommandEnvironment.variable(for: path) } else { nil }
    }

    /// Evaluates an `if:` condition (with or without its `${{ }}`) to true or false.
    public static func evaluateCondition(_ text: String, in context: ExpressionContext) throws(ExpressionError) -> Bool {
        let source = unwrap(text)
        return truthy(try evaluate(try ExpressionParser.parse(source), source: source, in: context))
    }

    /// `${{ x }}` → `x`; anything else unchanged.
    static func unwrap(_ text: String) -> String {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("${{"), t.hasSuffix("}}"), t.count >= 5 {
            return String(t.dropFirst(3).dropLast(2))
        }
        return text
    }

    static func truthy(_ v: Value) -> Bool {
        switch v {
        case .null: false
        case .bool(let b): b
        case .number(let n): n != 0 && !n.isNaN
        case .string(let s): !s.isEmpty
        case .list, .map: true
        }
    }

    static func evaluate(_ e: Expression, source: String, in context: ExpressionContext) throws(ExpressionError) -> Value {
        switch e {
        case .literal(let v): return v
        case .not(let inner): return .bool(!truthy(try evaluate(inner, source: source, in: context)))
        case .reference(let path, let offset): return try lookup(path, offset: offset, in: context)
        case .binary(let op, let l, let r):
            let left = try evaluate(l, source: source, in: context)
            switch op {
            case .and: return truthy(left) ? try evaluate(r, source: source, in: context) : left
            case .or: return truthy(left) ? left : try evaluate(r, source: source, in: context)
            default: break
            }
            let right = try evaluate(r, source: source, in: context)
            return .bool(compare(op, left, right))
        }
    }

    private static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Bool {
        // Numbers and numeric text compare as numbers, so `params.window > 10` works either way.
        if let x = number(a), let y = number(b), a.numberValue != nil || b.numberValue != nil {
            return apply(op, x, y)
        }
        switch op {
        case .equal: return a == b
        case .notEqual: return a != b
        default: return apply(op, a.interpolated, b.interpolated)
        }
    }

    private static func number(_ v: Value) -> Double? {
        switch v {
        case .number(let n): n
        case .string(let s): Double(s)
        default: nil
        }
    }

    private static func apply<T: Comparable>(_ op: BinaryOperator, _ a: T, _ b: T) -> Bool {
        switch op {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        case .and, .or: false
        }
    }

    private static func lookup(_ path: [String], offset: Int, in context: ExpressionContext) throws(ExpressionError) -> Value {
        let name = path.joined(separator: ".")
        func dig(_ value: Value, _ rest: ArraySlice<String>) throws(ExpressionError) -> Value {
            var current = value
            for key in rest {
                guard case .map(let m) = current, let next = m[key] else {
                    throw ExpressionError(offset: offset, message: "\(name): no field '\(key)'")
                }
                current = next
            }
            return current
        }
        switch path.first {
        case "params":
            guard path.count >= 2, let v = context.params[path[1]] else {
                throw ExpressionError(offset: offset, message: "\(name): no such param")
            }
            return try dig(v, path.dropFirst(2))
        case "inputs":
            guard path.count >= 2, let v = context.inputs[path[1]] else {
                throw ExpressionError(offset: offset, message: "\(name): input not given")
            }
            return try dig(v, path.dropFirst(2))
        case "steps":
            if path.count >= 3, path[2] == "items", let items = context.items[path[1]] {
                return try dig(.list(items), path.dropFirst(3))
            }
            guard path.count >= 4, path[2] == "outputs" else {
                throw ExpressionError(offset: offset, message: "\(name): expected steps.ID.outputs.NAME")
            }
            guard let outputs = context.stepOutputs[path[1]] else {
                throw ExpressionError(offset: offset, message: "\(name): step '\(path[1])' has no outputs (did it succeed?)")
            }
            guard let v = outputs[path[3]] else {
                throw ExpressionError(
                    offset: offset,
                    message:
                        "\(name): step '\(path[1])' has no output '\(path[3])' (it has: \(outputs.keys.sorted().joined(separator: ", ")))")
            }
            return try dig(v, path.dropFirst(4))
        case "matrix":
            guard path.count >= 2, let v = context.matrix[path[1]] else {
                throw ExpressionError(offset: offset, message: "\(name): not a name of this step's matrix")
            }
            return try dig(v, path.dropFirst(2))
        case "run":
            guard path == ["run", "id"] else { throw ExpressionError(offset: offset, message: "\(name): only run.id is known") }
            return .string(context.runID)
        default:
            throw ExpressionError(offset: offset, message: "\(name): unknown name; expressions start with params., inputs., steps. or run.")
        }
    }
}
