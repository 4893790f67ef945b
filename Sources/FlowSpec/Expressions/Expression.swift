/// A parsed `${{ … }}` expression.
indirect enum Expression: Sendable, Equatable {
    case literal(Value)
    /// A dotted name (`params.model_type`) with the offset of its first character in the source.
    case reference([String], offset: Int)
    case not(Expression)
    case binary(BinaryOperator, Expression, Expression)

    /// Every reference in the expression.
    var references: [(path: [String], offset: Int)] {
        switch self {
        case .literal: []
        case .reference(let path, let offset): [(path, offset)]
        case .not(let e): e.references
        case .binary(_, let l, let r): l.references + r.references
        }
    }
}

enum BinaryOperator: String, Sendable, Equatable {
    case and = "&&", or = "||", equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// A syntax or evaluation error at `offset` characters into the expression text.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { message }
}
