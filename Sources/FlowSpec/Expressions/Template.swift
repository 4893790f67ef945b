/// The `${{ … }}` pieces of a string.
struct Template: Sendable {
    enum Piece: Sendable {
        case text(String)
        /// The expression's source and its character offset in the whole string.
        case expression(String, offset: Int)
    }

    let pieces: [Piece]

    /// True when the string has no expression.
    var isLiteral: Bool { pieces.allSatisfy { if case .text = $0 { true } else { false } } }

    /// Splits `text`; an unclosed `${{` is an error at its offset.
    static func parse(_ text: String) throws(ExpressionError) -> Template {
        var pieces: [Piece] = []
        let chars = Array(text)
        var i = 0
        var literal = ""
        while i < chars.count {
            if chars[i] == "$", i + 2 < chars.count, chars[i + 1] == "{", chars[i + 2] == "{" {
                var j = i + 3
                var found = false
                while j + 1 < chars.count {
                    if chars[j] == "}" && chars[j + 1] == "}" { found = true; break }
                    j += 1
                }
                guard found else { throw ExpressionError(offset: i, message: "'${{' is not closed by '}}'") }
                if !literal.isEmpty { pieces.append(.text(literal)); literal = "" }
                pieces.append(.expression(String(chars[(i + 3)..<j]), offset: i + 3))
                i = j + 2
            } else {
                literal.append(chars[i])
                i += 1
            }
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        return Template(pieces: pieces)
    }
}
