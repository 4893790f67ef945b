import FlowSpec
import Foundation
import Testing

/// How `${{ }}` values are written into a `run:` script: quoted as data for the place they are in,
/// or refused where no quoting can make them data. (EngineTests/ShellInjectionTests runs the
/// results through /bin/sh.)
@Suite struct ShellQuotingTests {
    static let context = ExpressionContext(
        params: ["x": "it's", "n": 3, "who": "world", "bad": "3; id"], inputs: ["dataset": ["path": "/data/a b.csv"]],
        stepOutputs: [:], runID: "r1")

    static func render(_ script: String) throws -> String {
        try Expressions.resolveShell(script, in: context)
    }

    @Test(arguments: [
        // Outside quotes: one single-quoted word.
        ("echo ${{ params.x }}", #"echo 'it'\''s'"#),
        // Inside double quotes: closed, quoted, reopened — still one word.
        (#"echo "hello ${{ params.x }}!""#, #"echo "hello "'it'\''s'"!""#),
        // Inside single quotes: a ' is written '\''.
        ("echo 'a${{ params.x }}b'", #"echo 'ait'\''sb'"#),
        // $( … ) is a fresh unquoted place, also inside double quotes; and double quotes inside that.
        (#"echo "$(printf '%s' ${{ params.x }})""#, #"echo "$(printf '%s' 'it'\''s')""#),
        (#"echo "$(printf '%s' "<${{ params.x }}>")""#, #"echo "$(printf '%s' "<"'it'\''s'">")""#),
        // After the $( … ) closes, its double quotes are back.
        (#"echo "$(date) ${{ params.who }}""#, #"echo "$(date) "'world'"""#),
        // $(( … )) takes an integer as it is.
        ("echo $(( ${{ params.n }} + 1 ))", "echo $(( 3 + 1 ))"),
        // A # inside a word or quotes is no comment.
        ("echo a#${{ params.who }}", "echo a#'world'"),
        (##"echo "#${{ params.who }}""##, ##"echo "#"'world'"""##),
        // An escaped backslash escapes nothing after it.
        (#"echo \\${{ params.who }}"#, #"echo \\'world'"#),
        // A heredoc ends at its delimiter; a case at the top level closes no $( ).
        ("cat <<'EOF'\nit's \"$(x)\"\nEOF\necho ${{ params.who }}", "cat <<'EOF'\nit's \"$(x)\"\nEOF\necho 'world'"),
        ("cat <<-EOF\n\tbody\n\tEOF\necho ${{ params.who }}", "cat <<-EOF\n\tbody\n\tEOF\necho 'world'"),
        ("case $1 in a) echo ${{ params.who }};; esac", "case $1 in a) echo 'world';; esac"),
        ("x=$(case $1 in (a) echo 1;; esac); echo ${{ params.who }}", "x=$(case $1 in (a) echo 1;; esac); echo 'world'"),
        // ${…} before the expression is skipped as a whole.
        (#"echo "${HOME:-/}" ${{ params.who }}"#, #"echo "${HOME:-/}" 'world'"#),
        // Inputs and the whole command.
        ("wc -l ${{ inputs.dataset.path }}", "wc -l '/data/a b.csv'"),
        ("${{ params.who }}", "'world'"),
        ("echo hi # no expression here", "echo hi # no expression here"),
    ])
    func valuesAreQuotedForTheirPlace(_ script: String, _ expected: String) throws {
        #expect(try Self.render(script) == expected)
    }

    @Test(arguments: [
        ("cat <<EOF\nhello ${{ params.who }}\nEOF", "is inside a heredoc", "use $FLOWRUN_PARAM_WHO instead"),
        ("cat <<'EOF'\nhello ${{ params.who }}\nEOF", "is inside a heredoc", "use $FLOWRUN_PARAM_WHO instead"),
        ("cat <<${{ params.who }}\nx\n", "heredoc's delimiter", "write the delimiter out"),
        ("echo `echo ${{ params.who }}`", "inside backticks", #"use "$FLOWRUN_PARAM_WHO" instead"#),
        (#"echo "`echo "${{ params.who }}"`""#, "inside backticks", "$( … )"),
        ("echo hi # for ${{ params.who }}", "inside a comment", "leave the expression out of the comment"),
        ("echo ${X:-${{ params.who }}}", "inside ${…}", #""$FLOWRUN_PARAM_WHO""#),
        ("echo $'a${{ params.who }}'", "inside $'…'", #""$FLOWRUN_PARAM_WHO""#),
        (#"echo \${{ params.who }}"#, "follows a backslash", "remove the backslash"),
        (#"echo "a\${{ params.who }}""#, "follows a backslash", "remove the backslash"),
        ("echo $${{ params.who }}", "follows a `$`", #""$FLOWRUN_PARAM_WHO""#),
        ("x=$(case $1 in a) echo 1;; esac); echo ${{ params.who }}", "after a `case` pattern inside $( … )", #""$FLOWRUN_PARAM_WHO""#),
        ("echo $(( ${{ params.bad }} + 1 ))", "only an integer can go, got '3; id'", #""$FLOWRUN_PARAM_BAD""#),
        (
            "cat <<EOF\n${{ steps.a.outputs.b }}\nEOF", "is inside a heredoc",
            #"`env: { VALUE: "${{ steps.a.outputs.b }}" }`) and use "$VALUE" instead"#
        ),
    ])
    func placesThatCannotBeMadeSafeAreRefused(_ script: String, _ place: String, _ advice: String) throws {
        do {
            let rendered = try Self.render(script)
            Issue.record("rendered as \(rendered)")
        } catch let error as ExpressionError {
            #expect(error.message.contains(place), "\(error.message)")
            #expect(error.message.contains(advice), "\(error.message)")
            // The offset is at the `${{` (or the `${{` the problem is about).
            let chars = Array(script)
            #expect(
                error.offset >= 0 && error.offset + 3 <= chars.count && String(chars[error.offset..<(error.offset + 3)]) == "${{",
                "offset \(error.offset)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aNulByteInAValueIsRefused() throws {
        let context = ExpressionContext(params: ["x": "a\u{0}b"], inputs: [:], stepOutputs: [:], runID: "r")
        #expect(throws: ExpressionError.self) { try Expressions.resolveShell("echo ${{ params.x }}", in: context) }
    }

    @Test func environmentNames() throws {
        #expect(CommandEnvironment.paramVariable("model-type") == "FLOWRUN_PARAM_MODEL_TYPE")
        #expect(CommandEnvironment.paramVariable("wörd2") == "FLOWRUN_PARAM_W_RD2")
        let yaml = """
            name: e
            version: 1
            inputs: { dataset: dataset, file: path, note: string }
            steps:
              a: { run: "true" }
            """
        let workflow = try #require(WorkflowLoader.load(yaml: yaml, file: "e.yaml", knownSteps: ["noop"]).workflow)
        let variables = CommandEnvironment.variables(
            params: ["who": "x", "n": 3, "list": ["a", 1]],
            inputs: ["dataset": ["id": "ds-1", "path": "/d/a.csv", "hash": "h", "size": 10], "file": "/d/f", "note": "hi"],
            inputSpecs: workflow.inputs)
        #expect(
            variables == [
                "FLOWRUN_PARAM_WHO": "x", "FLOWRUN_PARAM_N": "3", "FLOWRUN_PARAM_LIST": #"["a",1]"#,
                "FLOWRUN_INPUT_DATASET_ID": "ds-1", "FLOWRUN_INPUT_DATASET_PATH": "/d/a.csv",
                "FLOWRUN_INPUT_DATASET_HASH": "h", "FLOWRUN_INPUT_DATASET_SIZE": "10",
                "FLOWRUN_INPUT_FILE": "/d/f", "FLOWRUN_INPUT_FILE_PATH": "/d/f", "FLOWRUN_INPUT_NOTE": "hi",
            ])
    }
}
