/// The frames other than plain commands, and heredocs: see ``ShellLexer``.
extension ShellLexer {
    mutating func double(_ c: Unicode.Scalar) {
        switch c {
        case "\"":
            i += 1
            pop()
        case "\\":
            if case .hole(let n)? = peek(1) { refuse(n, .afterBackslash) }
            i += 2
        case "`":
            i += 1
            push(Frame(kind: .backtick))
        case "$":
            dollar()
        default:
            i += 1
        }
    }

    mutating func dollarSingle(_ c: Unicode.Scalar) {
        switch c {
        case "\\":
            // `\'` ends a '…' string in sh but not a $'…' one in bash: from here on, who knows.
            if scalar(1) == "'" { unclear = unclear ?? "after a $'…' string holding \\'" }
            if case .hole(let n)? = peek(1) { refuse(n, .dollarQuote) }
            i += 2
        case "'":
            i += 1
            pop()
        default:
            i += 1
        }
    }

    mutating func backtick(_ c: Unicode.Scalar) {
        switch c {
        case "\\":
            if case .hole(let n)? = peek(1) { refuse(n, .backticks) }
            i += 2
        case "`":
            // POSIX leaves a backtick inside quotes inside backticks undefined.
            if top.quote != nil { unclear = unclear ?? "after a backtick inside quotes inside backticks" }
            i += 1
            pop()
        case "'", "\"":
            if top.quote == nil { top.quote = c } else if top.quote == c { top.quote = nil }
            i += 1
        default:
            i += 1
        }
    }

    mutating func brace(_ c: Unicode.Scalar) {
        switch c {
        case "}":
            i += 1
            pop()
        case "'" where top.inDouble:
            // Shells differ on whether a quote inside "${x:-'…'}" quotes.
            i += 1
            unclear = unclear ?? "after a ' inside a double-quoted ${…}"
        default:
            quotingOrExpansion(c, escape: .parameterExpansion)
        }
    }

    mutating func arithmetic(_ c: Unicode.Scalar) {
        switch c {
        case "(":
            top.parens += 1
            i += 1
        case ")":
            if top.parens > 0 {
                top.parens -= 1
                i += 1
            } else if scalar(1) == ")" {
                i += 2
                pop()
            } else {
                // `$((a) | b)`: a command substitution after all, which bash and dash tell apart differently.
                unclear = unclear ?? "after a $(( that is not arithmetic"
                i += 1
                pop()
            }
        default:
            quotingOrExpansion(c, escape: .afterBackslash)
        }
    }

    // MARK: Heredocs

    /// Reads the word after `<<` or `<<-`; quotes in it are removed, as sh does.
    mutating func heredocDelimiter(stripsTabs: Bool) {
        while scalar(0) == " " || scalar(0) == "\t" { i += 1 }
        var delimiter = ""
        var known = true
        var quote: Unicode.Scalar?
        loop: while let unit = peek() {
            switch unit {
            case .hole(let n):
                refuse(n, .heredocDelimiter)
                known = false
                i += 1
            case .scalar(let c):
                if let q = quote {
                    if c == q {
                        quote = nil
                    } else if q == "\"", c == "\\", let next = scalar(1), "$`\"\\".unicodeScalars.contains(next) {
                        delimiter.unicodeScalars.append(next)
                        i += 1
                    } else {
                        delimiter.unicodeScalars.append(c)
                    }
                    i += 1
                    continue
                }
                switch c {
                case " ", "\t", "\n", ";", "&", "|", "<", ">", "(", ")":
                    break loop
                case "'", "\"":
                    quote = c
                    i += 1
                case "\\":
                    switch peek(1) {
                    case .hole(let n)?:
                        refuse(n, .heredocDelimiter)
                        known = false
                    case .scalar(let next)?:
                        delimiter.unicodeScalars.append(next)
                    case nil:
                        break
                    }
                    i += 2
                default:
                    delimiter.unicodeScalars.append(c)
                    i += 1
                }
            }
        }
        pending.append(Heredoc(delimiter: known && !delimiter.isEmpty ? delimiter : nil, stripsTabs: stripsTabs))
        top.atWordStart = false
        top.word = nil
    }

    /// After the newline that ends a line with `<<`: each heredoc's body, up to its delimiter line.
    mutating func heredocBodies() {
        for heredoc in pending {
            while peek() != nil {
                var line = ""
                var plain = true
                while let unit = peek() {
                    i += 1
                    if case .scalar("\n") = unit { break }
                    switch unit {
                    case .hole(let n):
                        refuse(n, .heredocBody)
                        plain = false
                    case .scalar(let c):
                        line.unicodeScalars.append(c)
                    }
                }
                if heredoc.stripsTabs { line = String(line.drop { $0 == "\t" }) }
                if plain, let delimiter = heredoc.delimiter, line == delimiter { break }
            }
        }
        pending = []
    }
}
