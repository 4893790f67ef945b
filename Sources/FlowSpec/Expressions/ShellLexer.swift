/// Finds the ``ShellContext`` of every `${{ }}` in a `run:` script, reading the script as a POSIX
/// shell does: quotes, escapes, `$( … )`, `$(( … ))`, `${ … }`, backticks, comments and heredocs,
/// with a stack for nesting.
///
/// It is not a full shell parser, so it is built to fail closed: wherever shells differ, or this
/// lexer could lose track of the quoting (a `case` pattern's `)` inside `$( … )`, a `'` inside a
/// double-quoted `${ … }`, a quote around a backtick inside backticks), every later expression is
/// refused rather than guessed at.
struct ShellLexer {
    enum Unit {
        case scalar(Unicode.Scalar)
        /// The n-th expression of the template.
        case hole(Int)
    }

    struct Frame {
        enum Kind { case command, double, single, dollarSingle, backtick, brace, arithmetic, comment }
        var kind: Kind
        /// A command frame opened by `$(` (not the script itself): a `)` may close it.
        var nested = false
        /// `(` not yet closed by `)`, in a command or arithmetic frame.
        var parens = 0
        /// `case` words not yet closed by `esac`, in a command frame.
        var openCases = 0
        /// Command frames: the next character starts a word (where `#` starts a comment).
        var atWordStart = true
        /// Command frames: the word being read, while it is plain letters (to see `case`/`esac`).
        var word: String? = ""
        /// Brace frames: the `${` is inside double quotes.
        var inDouble = false
        /// Backtick frames: a quote opened inside them.
        var quote: Unicode.Scalar?
    }

    struct Heredoc {
        /// Nil when the delimiter could not be read: the body runs to the end of the script.
        var delimiter: String?
        var stripsTabs: Bool
    }

    let units: [Unit]
    var i = 0
    var frames = [Frame(kind: .command)]
    var pending: [Heredoc] = []
    var unclear: String?
    var contexts: [ShellContext]

    /// One context per expression piece of `template`, in order.
    static func contexts(of template: Template) -> [ShellContext] {
        var units: [Unit] = []
        var holes = 0
        for piece in template.pieces {
            switch piece {
            case .text(let text): units += text.unicodeScalars.map(Unit.scalar)
            case .expression:
                units.append(.hole(holes))
                holes += 1
            }
        }
        var lexer = ShellLexer(units: units, contexts: Array(repeating: .unquoted, count: holes))
        lexer.run()
        return lexer.contexts
    }

    private init(units: [Unit], contexts: [ShellContext]) {
        self.units = units
        self.contexts = contexts
    }

    // MARK: Reading

    func peek(_ k: Int = 0) -> Unit? {
        i + k < units.count ? units[i + k] : nil
    }

    func scalar(_ k: Int) -> Unicode.Scalar? {
        if case .scalar(let c)? = peek(k) { c } else { nil }
    }

    var top: Frame {
        get { frames[frames.count - 1] }
        set { frames[frames.count - 1] = newValue }
    }

    mutating func push(_ frame: Frame) {
        frames.append(frame)
    }

    mutating func pop() {
        if frames.count > 1 { frames.removeLast() }
    }

    mutating func refuse(_ hole: Int, _ why: ShellRefusal) {
        contexts[hole] = .refused(unclear.map(ShellRefusal.unclear) ?? why)
    }

    private mutating func run() {
        while let unit = peek() {
            switch unit {
            case .hole(let n):
                contexts[n] = context()
                if top.kind == .command {
                    top.word = nil
                    top.atWordStart = false
                }
                i += 1
            case .scalar(let c):
                switch top.kind {
                case .command: command(c)
                case .double: double(c)
                case .single:
                    if c == "'" { pop() }
                    i += 1
                case .dollarSingle: dollarSingle(c)
                case .backtick: backtick(c)
                case .brace: brace(c)
                case .arithmetic: arithmetic(c)
                case .comment:
                    if c == "\n" { pop() } else { i += 1 }
                }
            }
        }
    }

    /// The context of an expression at the current place.
    private func context() -> ShellContext {
        if let unclear { return .refused(.unclear(unclear)) }
        // Quoting that would hold inside these frames does not hold through them.
        for frame in frames.dropLast().reversed() {
            switch frame.kind {
            case .backtick: return .refused(.backticks)
            case .brace: return .refused(.parameterExpansion)
            case .dollarSingle: return .refused(.dollarQuote)
            case .arithmetic: return .refused(.unclear("inside a command or quotes within $(( … ))"))
            case .command, .double, .single, .comment: continue
            }
        }
        switch top.kind {
        case .command: return .unquoted
        case .double: return .doubleQuoted
        case .single: return .singleQuoted
        case .arithmetic: return .arithmetic
        case .brace: return .refused(.parameterExpansion)
        case .backtick: return .refused(.backticks)
        case .comment: return .refused(.comment)
        case .dollarSingle: return .refused(.dollarQuote)
        }
    }

    // MARK: Frames

    private mutating func command(_ c: Unicode.Scalar) {
        if c == "\\", scalar(1) == "\n" {
            i += 2  // a line continuation is removed before sh reads words: `ca\⏎se` is `case`
            return
        }
        switch c {
        case " ", "\t", ";", "&", "|", ">":
            endWord()
            i += 1
        case "\n":
            endWord()
            i += 1
            if !pending.isEmpty { heredocBodies() }
        case "<":
            endWord()
            if scalar(1) == "<" {
                if scalar(2) == "<" {
                    i += 3  // bash's here-string: an ordinary word follows
                } else {
                    let strips = scalar(2) == "-"
                    i += strips ? 3 : 2
                    heredocDelimiter(stripsTabs: strips)
                }
            } else {
                i += 1
            }
        case "(":
            endWord()
            top.parens += 1
            i += 1
        case ")":
            endWord()
            i += 1
            if top.parens > 0 {
                top.parens -= 1
            } else if top.nested {
                if top.openCases > 0 {
                    // A `case` pattern's `)` or the end of `$( … )`: sh knows from its grammar, we do not.
                    unclear = unclear ?? "after a `case` pattern inside $( … )"
                } else {
                    pop()
                }
            }
        case "#" where top.atWordStart:
            i += 1
            push(Frame(kind: .comment))
        default:
            top.atWordStart = false
            if c.properties.isAlphabetic || c == "_" {
                top.word?.unicodeScalars.append(c)
            } else {
                top.word = nil
            }
            quotingOrExpansion(c, escape: .afterBackslash)
        }
    }

    /// What a backslash, a quote, a backtick or a `$` starts wherever words are read (a command,
    /// `${…}`, `$((…))`); any other character is just read. A `${{ }}` right after the backslash is
    /// refused for `escape`.
    mutating func quotingOrExpansion(_ c: Unicode.Scalar, escape: ShellRefusal) {
        switch c {
        case "\\":
            if case .hole(let n)? = peek(1) { refuse(n, escape) }
            i += 2
        case "'":
            i += 1
            push(Frame(kind: .single))
        case "\"":
            i += 1
            push(Frame(kind: .double))
        case "`":
            i += 1
            push(Frame(kind: .backtick))
        case "$":
            dollar()
        default:
            i += 1
        }
    }

    /// A word ends: `case` and `esac` are counted, and the next character starts a new word.
    private mutating func endWord() {
        if let word = top.word {
            if word == "case" { top.openCases += 1 }
            if word == "esac", top.openCases > 0 { top.openCases -= 1 }
        }
        top.word = ""
        top.atWordStart = true
    }

    /// `$` in a command, double-quoted, brace or arithmetic frame.
    mutating func dollar() {
        switch peek(1) {
        case .hole(let n)?:
            if top.kind == .double {
                i += 1
            } else {
                refuse(n, .afterDollar)
                i += 2
            }
        case .scalar("(")?:
            if scalar(2) == "(" {
                i += 3
                push(Frame(kind: .arithmetic))
            } else {
                i += 2
                push(Frame(kind: .command, nested: true))
            }
        case .scalar("{")?:
            i += 2
            push(Frame(kind: .brace, inDouble: frames.contains { $0.kind == .double }))
        case .scalar("'")? where top.kind == .command || (top.kind == .brace && !top.inDouble):
            i += 2
            push(Frame(kind: .dollarSingle))
        default:
            i += 1
        }
    }
}
