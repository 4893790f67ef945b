import FlowSpec
import Foundation
import Testing

/// Every ```yaml block in docs/workflow-spec.md and docs/experiments.md is a valid workflow, so the
/// docs cannot rot.
@Suite struct DocsExamplesTests {
    static var blocks: [String] { blocks(in: "docs/workflow-spec.md") + blocks(in: "docs/experiments.md") }

    static func blocks(in file: String) -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let text = try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8) else { return [] }
        return text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test func thereAreExamples() {
        #expect(Self.blocks(in: "docs/workflow-spec.md").count >= 5)
        #expect(Self.blocks(in: "docs/experiments.md").count >= 1)
    }

    /// The caching example means what its comments say: `defaults: cache:` reaches the steps that
    /// do not say, and a step's own `cache: false` wins.
    @Test func theCachingExampleSetsWhatItSays() throws {
        let yaml = try #require(Self.blocks(in: "docs/experiments.md").first { $0.contains("name: cached-commands") })
        let workflow = try #require(
            WorkflowLoader.load(yaml: yaml, file: "docs/experiments.md", knownSteps: DiagnosticFixtureTests.known).0)
        #expect(workflow.defaults.cache == true)
        #expect(workflow.step("features")?.cache == true)
        #expect(workflow.step("upload")?.cache == false)
        #expect(workflow.step("summary")?.cache == true)
    }

    @Test(arguments: blocks)
    func exampleValidates(_ yaml: String) {
        // `select` is a built-in the diagnostic fixtures do not list (their expected texts name the known steps).
        let (workflow, diagnostics) = WorkflowLoader.load(
            yaml: yaml, file: "docs/workflow-spec.md", knownSteps: DiagnosticFixtureTests.known.union(["select"]))
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        #expect(workflow != nil)
    }
}
