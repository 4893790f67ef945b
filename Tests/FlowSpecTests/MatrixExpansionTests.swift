import FlowSpec
import Foundation
import Testing

/// `matrix:` on a step: its combinations, the instances it becomes, inheriting and gathering steps,
/// `max_parallel`, `${{ matrix.NAME }}`, and the errors for what cannot run (with file:line:column).
@Suite struct MatrixExpansionTests {
    static let known: Set<String> = ["noop", "command", "preprocess", "train", "evaluate", "select"]

    static func load(_ yaml: String) -> (Workflow?, [String]) {
        let (workflow, diagnostics) = WorkflowLoader.load(yaml: yaml, file: "flow.yaml", knownSteps: known)
        return (workflow, diagnostics.map(\.description))
    }

    static let sweep = """
        name: sweep
        version: 1
        steps:
          preprocess:
            uses: noop
          train:
            uses: noop
            needs: [preprocess]
            matrix:
              model_type: [logistic, random_forest]
              window: [50, 100]
            with: { model_type: "${{ matrix.model_type }}", window: "${{ matrix.window }}" }
          evaluate:
            uses: noop
            needs: [train]
            with: { model: "${{ steps.train.outputs.model_type }}", window: "${{ matrix.window }}" }
          select:
            uses: noop
            needs: [evaluate]
            gather: true
            with: { items: "${{ steps.evaluate.items }}" }
        """

    @Test func matrixStepsBecomeInstancesWithReadableIDs() throws {
        let (workflow, diagnostics) = Self.load(Self.sweep)
        #expect(diagnostics.isEmpty)
        let ids = try #require(workflow).steps.map(\.id)
        #expect(
            ids == [
                "preprocess",
                "train[model_type=logistic,window=50]", "train[model_type=logistic,window=100]",
                "train[model_type=random_forest,window=50]", "train[model_type=random_forest,window=100]",
                "evaluate[model_type=logistic,window=50]", "evaluate[model_type=logistic,window=100]",
                "evaluate[model_type=random_forest,window=50]", "evaluate[model_type=random_forest,window=100]",
                "select",
            ])
    }

    @Test func upstreamIsSharedInheritingPairsItemsAndGatherTakesAll() throws {
        let workflow = try #require(Self.load(Self.sweep).0)
        let train = try #require(workflow.step("train[model_type=logistic,window=100]"))
        #expect(train.needs == ["preprocess"])
        #expect(train.matrix.values == ["model_type": .string("logistic"), "window": .number(100)])
        #expect(train.matrix.declaredID == "train")
        let evaluate = try #require(workflow.step("evaluate[model_type=random_forest,window=50]"))
        #expect(evaluate.needs == ["train[model_type=random_forest,window=50]"])
        #expect(evaluate.matrix.aliases["train"] == "train[model_type=random_forest,window=50]")
        #expect(evaluate.matrix.values["window"] == .number(50))
        let select = try #require(workflow.step("select"))
        #expect(select.needs.count == 4)
        #expect(select.needs.allSatisfy { $0.hasPrefix("evaluate[") })
        #expect(select.matrix.gathered["evaluate"]?.map(\.id) == select.needs)
        #expect(workflow.topologicalOrder().last?.id == "select")
    }

    @Test func excludeRemovesAndIncludeExtendsOrAdds() {
        let spec = MatrixSpec(
            axes: [("model", [.string("a"), .string("b")]), ("window", [.number(1), .number(2)])],
            exclude: [["model": .string("b"), "window": .number(2)]],
            include: [
                ["model": .string("a"), "depth": .number(3)],  // extends both `a` items
                ["model": .string("c"), "window": .number(9)],
            ])  // matches none: added
        let labels = MatrixExpansion.combinations(spec).map(\.label)
        #expect(labels == ["model=a,window=1,depth=3", "model=a,window=2,depth=3", "model=b,window=1", "model=c,window=9"])
    }

    @Test func includeDoesNotOverwriteAnOriginalValue() {
        let spec = MatrixSpec(axes: [("model", [.string("a")])], include: [["model": .string("b"), "extra": .bool(true)]])
        #expect(MatrixExpansion.combinations(spec).map(\.label) == ["model=a", "model=b,extra=true"])
    }

    @Test func valuesThatCouldEscapeAFolderAreEncodedInIDs() throws {
        let (workflow, diagnostics) = Self.load(
            """
            name: m
            version: 1
            steps:
              s:
                uses: noop
                matrix: { path: ["a/b", "../x", "a b"] }
                with: { p: "${{ matrix.path }}" }
            """)
        #expect(diagnostics.isEmpty)
        #expect(try #require(workflow).steps.map(\.id) == ["s[path=a%2Fb]", "s[path=..%2Fx]", "s[path=a%20b]"])
    }

    @Test func maxParallelChainsItemsIntoLanes() throws {
        let (workflow, _) = Self.load(
            """
            name: m
            version: 1
            steps:
              s:
                uses: noop
                matrix: { n: [1, 2, 3, 4, 5], max_parallel: 2 }
            """)
        let steps = try #require(workflow).steps
        #expect(steps.map(\.needs) == [[], [], ["s[n=1]"], ["s[n=2]"], ["s[n=3]"]])
    }

    @Test func aWorkflowWithoutMatrixIsUnchanged() throws {
        let (workflow, _) = Self.load(
            """
            name: m
            version: 1
            steps:
              a: { uses: noop }
              b: { uses: noop, needs: [a] }
            """)
        #expect(try #require(workflow).steps.map(\.id) == ["a", "b"])
    }

    @Test(arguments: [
        (
            "steps:\n  s:\n    uses: noop\n    matrix: {}\n",
            "flow.yaml:6:13: error: steps.s.matrix: the matrix is empty; give a name with a list of values (model_type: [logistic, forest])"
        ),
        (
            "steps:\n  s:\n    uses: noop\n    matrix: { a: 3 }\n",
            "flow.yaml:6:18: error: steps.s.matrix.a: expected a list of values, got number 3"
        ),
        (
            "steps:\n  s:\n    uses: noop\n    matrix: { a: [] }\n",
            "flow.yaml:6:18: error: steps.s.matrix.a: the list is empty; give at least one value"
        ),
        ("steps:\n  s:\n    uses: noop\n    matrix: { a: [1, 1] }\n", "flow.yaml:6:22: error: steps.s.matrix.a: 1 is listed twice"),
        (
            "steps:\n  s:\n    uses: noop\n    matrix: { a: [[1]] }\n",
            "flow.yaml:6:19: error: steps.s.matrix.a[]: a matrix value is a string, number or bool, got a list"
        ),
        (
            "steps:\n  s:\n    uses: noop\n    matrix: { a: [1, 2], exclude: [{ a: 1 }, { a: 2 }] }\n",
            "flow.yaml:6:13: error: steps.s.matrix: `exclude` removes every combination; nothing would run"
        ),
        (
            "steps:\n  s:\n    uses: noop\n    with: { x: \"${{ matrix.a }}\" }\n",
            "flow.yaml:6:21: error: steps.s.with.x: 'matrix.a' is only known in a step that runs under a matrix (`matrix:`, or needs a matrix step)"
        ),
        (
            "steps:\n  s:\n    uses: noop\n    matrix: { model: [a] }\n    with: { x: \"${{ matrix.modle }}\" }\n",
            "flow.yaml:7:21: error: steps.s.with.x: 'modle' is not a name of this step's matrix; did you mean 'model'? (names: model)"
        ),
        (
            "steps:\n  s:\n    uses: noop\n    matrix: { a: [1] }\n  t:\n    uses: noop\n    needs: [s]\n    with: { x: \"${{ steps.s.items }}\" }\n",
            "flow.yaml:10:21: error: steps.t.with.x: steps.s.items is read by a step with `gather: true`; add it to 't'"
        ),
        (
            "steps:\n  s:\n    uses: noop\n    matrix: { a: [1] }\n  t:\n    uses: noop\n    needs: [s]\n    gather: true\n    with: { x: \"${{ steps.s.outputs.y }}\" }\n",
            "flow.yaml:11:21: error: steps.t.with.x: step 's' runs once per item of a matrix; read its items with steps.s.items"
        ),
        (
            "steps:\n  s:\n    uses: noop\n    gather: true\n",
            "flow.yaml:6:5: error: steps.s.gather: none of its `needs:` runs under a matrix; remove `gather: true`"
        ),
    ])
    func badMatricesAreRefusedWithTheirPlace(_ body: String, _ expected: String) {
        let (workflow, diagnostics) = Self.load("name: m\nversion: 1\n" + body)
        #expect(workflow == nil)
        #expect(diagnostics.contains(expected), "\(diagnostics)")
    }

    @Test func tooManyCombinationsAreRefused() {
        let values = (1...20).map(String.init).joined(separator: ", ")
        let (workflow, diagnostics) = Self.load(
            "name: m\nversion: 1\nsteps:\n  s:\n    uses: noop\n    matrix: { a: [\(values)], b: [\(values)] }\n")
        #expect(workflow == nil)
        #expect(diagnostics == ["flow.yaml:6:13: error: steps.s.matrix: 400 combinations; at most 256 are allowed"])
    }

    @Test func aStepUnderTwoMatricesIsRefused() {
        let (workflow, diagnostics) = Self.load(
            """
            name: m
            version: 1
            steps:
              a: { uses: noop, matrix: { x: [1, 2] } }
              b: { uses: noop, matrix: { y: [1, 2] } }
              c: { uses: noop, needs: [a, b] }
            """)
        #expect(workflow == nil)
        #expect(
            diagnostics.contains { $0.hasPrefix("flow.yaml:6:3: error: step 'c' needs 'a' and 'b', which run under different matrices") },
            "\(diagnostics)")
    }
}

/// A matrix step that needs another matrix step runs once per item of both (preprocess per window,
/// train per window × model): the exam sweep's shape.
@Suite struct NestedMatrixTests {
    static let yaml = """
        name: nested
        version: 1
        steps:
          prep:
            uses: noop
            matrix: { window: [25, 50] }
            with: { window: "${{ matrix.window }}" }
          fit:
            uses: noop
            needs: [prep]
            matrix: { model: [a, b] }
            with: { input: "${{ steps.prep.outputs.window }}", model: "${{ matrix.model }}", window: "${{ matrix.window }}" }
          score:
            uses: noop
            needs: [fit, prep]
            with: { m: "${{ steps.fit.outputs.model }}", w: "${{ steps.prep.outputs.window }}" }
          pick:
            uses: noop
            needs: [score]
            gather: true
            with: { items: "${{ steps.score.items }}" }
        """

    @Test func nestedItemsPairWithTheirParentItem() throws {
        let (workflow, diagnostics) = MatrixExpansionTests.load(Self.yaml)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let steps = try #require(workflow).steps
        #expect(steps.filter { $0.id.hasPrefix("prep[") }.count == 2)
        #expect(
            steps.filter { $0.id.hasPrefix("fit[") }.map(\.id) == [
                "fit[window=25,model=a]", "fit[window=25,model=b]", "fit[window=50,model=a]", "fit[window=50,model=b]",
            ])
        let fit = try #require(workflow?.step("fit[window=50,model=b]"))
        #expect(fit.needs == ["prep[window=50]"])
        #expect(fit.matrix.aliases["prep"] == "prep[window=50]")
        let score = try #require(workflow?.step("score[window=25,model=a]"))
        #expect(score.needs == ["fit[window=25,model=a]", "prep[window=25]"])
        #expect(score.matrix.aliases == ["fit": "fit[window=25,model=a]", "prep": "prep[window=25]"])
        #expect(workflow?.step("pick")?.needs.count == 4)
    }

    @Test func aNameTakenByTheParentMatrixIsRefused() {
        let (workflow, diagnostics) = MatrixExpansionTests.load(
            """
            name: m
            version: 1
            steps:
              a: { uses: noop, matrix: { w: [1, 2] } }
              b:
                uses: noop
                needs: [a]
                matrix: { w: [3] }
            """)
        #expect(workflow == nil)
        #expect(
            diagnostics == ["flow.yaml:8:5: error: steps.b.matrix.w: 'w' is already a name of 'a''s matrix, which this step runs under"])
    }
}
