/// Where a `${{ }}` sits in a `run:` script for `/bin/sh` — what decides how its value is written
/// so that the shell reads it as data, never as code, whatever the value holds.
enum ShellContext: Sendable, Equatable {
    /// Outside quotes, also inside `$( … )`: the value goes in as `'value'`.
    case unquoted
    /// Inside `"…"`: the double quote is closed, `'value'` goes in, and it is reopened —
    /// `"hello "'value'""` is still one word.
    case doubleQuoted
    /// Inside `'…'`: the value goes in with each `'` written as `'\''`.
    case singleQuoted
    /// Inside `$(( … ))`: an integer goes in as it is; anything else is refused.
    case arithmetic
    /// Where no quoting makes a value data.
    case refused(ShellRefusal)

    /// `value` written for this place in the script.
    func insert(_ value: String) -> Result<String, ShellRefusal> {
        if value.unicodeScalars.contains("\0") { return .failure(.nulByte) }
        switch self {
        case .unquoted: return .success(Self.singleQuoted(value))
        case .doubleQuoted: return .success("\"" + Self.singleQuoted(value) + "\"")
        case .singleQuoted: return .success(Self.escapingSingleQuotes(value))
        case .arithmetic:
            let digits = value.first == "-" || value.first == "+" ? value.dropFirst() : Substring(value)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.notAnInteger(value)) }
            return .success(value)
        case .refused(let why): return .failure(why)
        }
    }

    static func singleQuoted(_ value: String) -> String {
        "'" + escapingSingleQuotes(value) + "'"
    }

    private static func escapingSingleQuotes(_ value: String) -> String {
        value.replacingOccurrences(of: "'", with: "'\\''")
    }
}

/// Why a `${{ }}` cannot go where it is in a shell script.
enum ShellRefusal: Error, Sendable, Equatable {
    case heredocBody
    case heredocDelimiter
    case backticks
    case comment
    case parameterExpansion
    case dollarQuote
    case afterBackslash
    case afterDollar
    /// The lexer lost certainty about the quoting earlier in the script; the reason.
    case unclear(String)
    /// At run time: a value with a NUL byte, which no command line can hold.
    case nulByte
    /// At run time: a non-integer for `$(( … ))`.
    case notAnInteger(String)

    /// What a workflow author reads: where the expression is, why that cannot be made safe, and
    /// what to write instead. `variable` is the environment variable holding the same value.
    func message(expression source: String, variable: String?) -> String {
        let text = "${{" + source + "}}"
        let use = variable.map { "\"$\($0)\"" }
        let instead =
            use.map { "use \($0) instead" }
            ?? "give the value to the command in `env:` (`env: { VALUE: \"\(text)\" }`) and use \"$VALUE\" instead"
        switch self {
        case .heredocBody:
            return "\(text) is inside a heredoc, where no quoting keeps a value from being read as text of the script; "
                + (variable.map { "use $\($0) instead (a heredoc with an unquoted delimiter expands it)" } ?? instead)
        case .heredocDelimiter:
            return "\(text) is in a heredoc's delimiter, which must be fixed text; write the delimiter out"
        case .backticks:
            return "\(text) is inside backticks, where quotes do not nest safely; write $( … ) instead of backticks, or \(instead)"
        case .comment:
            return "\(text) is inside a comment, which a newline in the value would end; leave the expression out of the comment"
        case .parameterExpansion:
            return "\(text) is inside ${…}, where shells differ on quotes; \(instead)"
        case .dollarQuote:
            return "\(text) is inside $'…', where a backslash in the value would be an escape; \(instead)"
        case .afterBackslash:
            return "\(text) follows a backslash, which would escape the quoting of the value; remove the backslash, or \(instead)"
        case .afterDollar:
            return "\(text) follows a `$`, which would make the quoted value a $'…' string; \(instead)"
        case .unclear(let reason):
            return "\(text) comes \(reason), after which flowrun cannot tell how the script is quoted; \(instead)"
        case .nulByte:
            return "\(text): the value has a NUL byte, which a command line cannot hold"
        case .notAnInteger(let value):
            return "\(text) is inside $(( … )), where only an integer can go, got '\(value.prefix(80))'; check the value, or \(instead)"
        }
    }
}
