import FlowSpec
import Foundation
import Testing

/// Every bad workflow in Fixtures/ with its exact diagnostics in the `.expected` file beside it.
@Suite struct DiagnosticFixtureTests {
    static let known: Set<String> = ["noop", "command", "preprocess", "train", "evaluate"]

    static var fixtures: URL { Bundle.module.resourceURL!.appendingPathComponent("Fixtures") }

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test(arguments: names)
    func diagnosticsMatchExpectations(_ name: String) throws {
        let url = Self.fixtures.appendingPathComponent("\(name).yaml")
        let (workflow, diagnostics) = WorkflowLoader.load(contentsOf: url, knownSteps: Self.known, displayPath: "\(name).yaml")
        let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("\(name).expected"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(diagnostics.map(\.description) == expected)
        #expect(workflow == nil, "a file with errors yields no workflow")
    }

    @Test func fixturesExist() {
        #expect(Self.names.count >= 12)
    }
}

@Suite struct ValidWorkflowTests {
    @Test func exampleWorkflowsValidate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["exam-pipeline", "hello"] {
            let (workflow, diagnostics) = WorkflowLoader.load(
                contentsOf: root.appendingPathComponent("workflows/\(name).yaml"), knownSteps: DiagnosticFixtureTests.known)
            #expect(diagnostics.isEmpty, "\(diagnostics)")
            #expect(workflow != nil)
        }
    }

    @Test func examPipelinePlan() throws {
        let yaml = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("workflows/exam-pipeline.yaml"), encoding: .utf8)
        let workflow = try #require(WorkflowLoader.load(yaml: yaml, file: "exam.yaml", knownSteps: DiagnosticFixtureTests.known).workflow)
        #expect(workflow.topologicalOrder().map(\.id) == ["preprocess", "train", "evaluate"])
        let train = try #require(workflow.step("train"))
        #expect(train.retry == RetryPolicy(maxRetries: 2, delay: .seconds(5), backoff: .exponential, maxDelay: .seconds(60)))
        #expect(train.timeout == .seconds(7200))
        #expect(workflow.step("preprocess")?.retry.maxRetries == 1, "defaults apply")
        #expect(workflow.triggers == [FolderTrigger(path: "inbound", include: ["*.csv"], stableSeconds: 5, doneFile: false)])
        #expect(try workflow.resolveParams(["model_type": "linear"])["model_type"] == "linear")
        #expect(throws: ParamError.self) { try workflow.resolveParams(["model_type": "svm"]) }
        #expect(throws: ParamError.self) { try workflow.resolveParams(["modle_type": "linear"]) }
    }

    @Test(arguments: [
        ("90s", 90.0), ("10m", 600), ("2h", 7200), ("1h30m", 5400), ("500ms", 0.5), ("1d", 86400),
    ])
    func durations(_ text: String, _ seconds: Double) throws {
        let yaml = "name: d\nversion: 1\nsteps:\n  a:\n    uses: noop\n    timeout: \(text)\n"
        let workflow = try #require(WorkflowLoader.load(yaml: yaml, file: "d.yaml", knownSteps: ["noop"]).workflow)
        let timeout = try #require(workflow.steps[0].timeout)
        #expect(abs(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18 - seconds) < 1e-9)
    }

    @Test func exponentialBackoffIsCapped() {
        let policy = RetryPolicy(maxRetries: 5, delay: .seconds(2), backoff: .exponential, maxDelay: .seconds(10))
        #expect((1...5).map { policy.delay(afterAttempt: $0) } == [.seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
    }
}

@Suite struct ExpressionTests {
    let context = ExpressionContext(
        params: ["model_type": "ridge", "window": 50], inputs: ["dataset": ["path": "/data/x.csv"]],
        stepOutputs: ["prep": ["rows": 10]], runID: "r1")

    @Test(arguments: [
        ("params.model_type == 'ridge'", true), ("params.window > 10 && params.model_type != 'x'", true),
        ("!(params.window >= 50)", false), ("steps.prep.outputs.rows < 5 || run.id == 'r1'", true), ("false", false),
    ])
    func conditions(_ text: String, _ expected: Bool) throws {
        #expect(try Expressions.evaluateCondition(text, in: context) == expected)
        #expect(try Expressions.evaluateCondition("${{ \(text) }}", in: context) == expected)
    }

    @Test func resolveKeepsTypesAndInterpolates() throws {
        #expect(try Expressions.resolve("${{ params.window }}", in: context) == .number(50))
        #expect(try Expressions.resolve("w=${{ params.window }} on ${{ inputs.dataset.path }}", in: context) == "w=50 on /data/x.csv")
        #expect(try Expressions.resolve(["a": ["${{ run.id }}"]], in: context) == ["a": ["r1"]])
        #expect(throws: ExpressionError.self) { try Expressions.resolve("${{ steps.nope.outputs.x }}", in: context) }
    }
}
