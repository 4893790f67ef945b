import Engine
import FlowSpec
import Foundation
import Store
import Testing

/// Hostile param values through real `/bin/sh`: every `run:` form and quoting place prints
/// exactly the value, and nothing the value says is run.
@Suite struct ShellInjectionTests {
    /// Each step writes what its command printed to `out` in its artifact folder.
    static let workflow = """
        name: quoting
        version: 1
        params:
          x: { type: string, default: "" }
        steps:
          unquoted:
            run: |
              printf '%s' ${{ params.x }} > out
          double:
            run: |
              printf '%s' "a${{ params.x }}b" > out
          single:
            run: |
              printf '%s' 'a${{ params.x }}b' > out
          substitution:
            run: |
              printf '%s' "$(printf '%s' ${{ params.x }})" > out
          nested:
            run: |
              printf '%s' "$(printf '%s' "<${{ params.x }}>")" > out
          after_heredoc:
            run: |
              cat <<'EOF' > /dev/null
              it's "$(not run)" `nor this`
              EOF
              printf '%s' ${{ params.x }} > out
          argv:
            run: ["/bin/sh", "-c", "printf '%s' \\"$1\\" > out", "sh", "${{ params.x }}"]
          environment:
            run: |
              printf '%s' "$FLOWRUN_PARAM_X" > out
          spelled_out:
            uses: command
            with:
              command: |
                printf '%s' ${{ params.x }} > out
        """

    /// `MARKER` is replaced by a path that injected code would create.
    static let hostile: [String] = [
        #""; touch MARKER; echo ""#,
        "'; touch MARKER; echo '",
        "$(touch MARKER)",
        "`touch MARKER`",
        "a; touch MARKER",
        "a && touch MARKER",
        "a | touch MARKER",
        "a\ntouch MARKER\nb",
        "${IFS}touch${IFS}MARKER",
        "> MARKER",
        "EOF\ntouch MARKER\nEOF",
        #"back\slash\"#,
        #"\'\"\\"#,
        "'\\''",
        #"'"'"'"#,
        "*",
        "-n",
        "",
        " spaces  around ",
        "tab\there\r\n",
        "trailing newlines\n\n",
        "$HOME and ${PATH} and $1",
        "héllo wörld ✓ 日本 🎉 e\u{301}",
        "#not a comment",
        "}{)(][",
    ]

    @Test(arguments: 0..<hostile.count)
    func valuesArePrintedAsDataNeverRun(_ index: Int) async throws {
        let h = try await Harness()
        let marker = h.root.appendingPathComponent("pwned")
        let value = Self.hostile[index].replacingOccurrences(of: "MARKER", with: marker.path)
        try h.write("quoting", Self.workflow)
        let run = try await h.engine.submit(SubmitRequest(workflow: "quoting", params: ["x": .string(value)], trigger: .cli))
        let finished = try await h.runToEnd(run.id)
        let steps = try await h.steps(run.id)
        #expect(finished.state == .succeeded, "\(steps.values.compactMap(\.error))")

        // $( … ) drops trailing newlines (bytes, so "\r\n" keeps its "\r").
        var scalars = value.unicodeScalars
        while scalars.last == "\n" { scalars.removeLast() }
        let trailingNewlinesDropped = String(scalars)
        let expected: [String: String] = [
            "unquoted": value, "double": "a\(value)b", "single": "a\(value)b",
            "substitution": trailingNewlinesDropped, "nested": "<\(value)>", "after_heredoc": value,
            "argv": value, "environment": value, "spelled_out": value,
        ]
        for (step, text) in expected {
            let out = h.engine.layout.artifactDirectory(run: run.id, step: step).appendingPathComponent("out")
            let printed = try? Data(contentsOf: out)
            #expect(
                printed == Data(text.utf8),
                "\(step): printed \(printed.map { String(decoding: $0, as: UTF8.self).debugDescription } ?? "nothing")")
        }
        #expect(!FileManager.default.fileExists(atPath: marker.path), "injected code ran")
    }

    @Test func arithmeticTakesIntegersAndRefusesTheRest() async throws {
        let h = try await Harness()
        try h.write(
            "sum",
            """
            name: sum
            version: 1
            params:
              n: { type: string, default: "4" }
            steps:
              add:
                run: echo "::output sum=$(( ${{ params.n }} + 1 ))"
                retries: 3
            """)
        let good = try await h.engine.submit(SubmitRequest(workflow: "sum", trigger: .cli))
        #expect(try await h.runToEnd(good.id).state == .succeeded)
        #expect(try await h.steps(good.id)["add"]?.outputs["sum"] == #""5""#)

        let marker = h.root.appendingPathComponent("pwned")
        let bad = try await h.engine.submit(
            SubmitRequest(workflow: "sum", params: ["n": .string("a[$(touch \(marker.path))]")], trigger: .cli))
        #expect(try await h.runToEnd(bad.id).state == .failed)
        let step = try #require(try await h.steps(bad.id)["add"])
        #expect(step.attempt == 1, "a value that cannot go in is not retried")
        #expect(step.error?.contains("is inside $(( … )), where only an integer can go") == true, "\(step.error ?? "")")
        #expect(step.error?.hasSuffix("(not retried: the input is invalid)") == true, "\(step.error ?? "")")
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func paramsAndInputsAreInTheEnvironmentAndEnvWins() async throws {
        let h = try await Harness()
        let file = h.engine.layout.root.appendingPathComponent("in.csv")
        try "a,b\n1,2\n".write(to: file, atomically: true, encoding: .utf8)
        try h.write(
            "env",
            """
            name: env
            version: 1
            params:
              model-type: { type: string, default: forest }
              window: { type: number, default: 50 }
              who: { type: string, default: ignored }
            inputs:
              dataset: { type: dataset }
            steps:
              show:
                run: |
                  echo "::output model=$FLOWRUN_PARAM_MODEL_TYPE"
                  echo "::output window=$FLOWRUN_PARAM_WINDOW"
                  echo "::output who=$FLOWRUN_PARAM_WHO"
                  echo "::output path=$FLOWRUN_INPUT_DATASET_PATH"
                env: { FLOWRUN_PARAM_WHO: mine }
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "env", datasetPath: file.path, trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        let outputs = try #require(try await h.steps(run.id)["show"]?.outputs)
        #expect(outputs["model"] == #""forest""#)
        #expect(outputs["window"] == #""50""#)
        #expect(outputs["who"] == #""mine""#)
        #expect(
            outputs["path"] == Value.string(file.resolvingSymlinksInPath().path).jsonText
                || outputs["path"] == Value.string(file.path).jsonText, "\(outputs["path"] ?? "")")
    }
}
