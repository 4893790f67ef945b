/// Parses the text between `${{` and `}}`.
///
/// Grammar: `or := and ('||' and)*`, `and := cmp ('&&' cmp)*`, `cmp := unary (op unary)?`,
/// `unary := '!' unary | primary`, `primary := literal | name ('.' name)* | '(' or ')'`.
/// Literals: `'single-quoted'` strings (`''` for a quote), numbers, `true`, `false`, `null`.
struct ExpressionParser {
    private let chars: [Character]
    private var position = 0

    static func parse(_ text: String) throws(ExpressionError) -> Expression {
        var parser = ExpressionParser(chars: Array(text))
        parser.skipSpace()
        guard !parser.atEnd else { throw ExpressionError(offset: 0, message: "empty expression") }
        let expression = try parser.parseOr()
        parser.skipSpace()
        guard parser.atEnd else {
            throw ExpressionError(offset: parser.position, message: "unexpected '\(parser.chars[parser.position])' in expression")
        }
        return expression
    }

    private init(chars: [Character]) {
        self.chars = chars
    }

    private var atEnd: Bool { position >= chars.count }

    private mutating func skipSpace() {
        while !atEnd, chars[position].isWhitespace { position += 1 }
    }

    private mutating func consume(_ token: String) -> Bool {
        skipSpace()
        let t = Array(token)
        guard position + t.count <= chars.count, Array(chars[position..<(position + t.count)]) == t else { return false }
        position += t.count
        return true
    }

    private mutating func parseOr() throws(ExpressionError) -> Expression {
        var left = try parseAnd()
        while consume("||") { left = .binary(.or, left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError) -> Expression {
        var left = try parseComparison()
        while consume("&&") { left = .binary(.and, left, try parseComparison()) }
        return left
    }

    private mutating func parseComparison() throws(ExpressionError) -> Expression {
        let left = try parseUnary()
        for op in [BinaryOperator.equal, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater] where consume(op.rawValue) {
            return .binary(op, left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expression {
        skipSpace()
        if !atEnd, chars[position] == "!", !(position + 1 < chars.count && chars[position + 1] == "=") {
            position += 1
            return .not(try parseUnary())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expression {
        skipSpace()
        guard !atEnd else { throw ExpressionError(offset: position, message: "expression ends too early") }
        let start = position
        let c = chars[position]
        if c == "(" {
            position += 1
            let inner = try parseOr()
            guard consume(")") else { throw ExpressionError(offset: position, message: "missing ')'") }
            return inner
        }
        if c == "'" {
            position += 1
            var text = ""
            while true {
                guard !atEnd else { throw ExpressionError(offset: start, message: "unterminated string") }
                if chars[position] == "'" {
                    if position + 1 < chars.count, chars[position + 1] == "'" {
                        text.append("'")
                        position += 2
                        continue
                    }
                    position += 1
                    return .literal(.string(text))
                }
                text.append(chars[position])
                position += 1
            }
        }
        if c.isNumber || c == "-" {
            var text = String(c)
            position += 1
            while !atEnd, chars[position].isNumber || chars[position] == "." || chars[position] == "e" {
                text.append(chars[position])
                position += 1
            }
            guard let n = Double(text) else { throw ExpressionError(offset: start, message: "bad number '\(text)'") }
            return .literal(.number(n))
        }
        if c.isLetter || c == "_" {
            var path: [String] = []
            var segment = ""
            while !atEnd {
                let ch = chars[position]
                if ch.isLetter || ch.isNumber || ch == "_" || ch == "-" {
                    segment.append(ch)
                } else if ch == "." {
                    guard !segment.isEmpty else { throw ExpressionError(offset: position, message: "empty name before '.'") }
                    path.append(segment)
                    segment = ""
                } else {
                    break
                }
                position += 1
            }
            guard !segment.isEmpty else { throw ExpressionError(offset: position, message: "name expected after '.'") }
            path.append(segment)
            if path.count == 1 {
                switch path[0] {
                case "true": return .literal(.bool(true))
                case "false": return .literal(.bool(false))
                case "null": return .literal(.null)
                default: break
                }
            }
            return .reference(path, offset: start)
        }
        throw ExpressionError(offset: start, message: "unexpected '\(c)' in expression")
    }
}
