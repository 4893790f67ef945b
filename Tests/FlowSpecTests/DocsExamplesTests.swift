import FlowSpec
import Foundation
import Testing

/// Every ```yaml block in docs/workflow-spec.md is a valid workflow, so the docs cannot rot.
@Suite struct DocsExamplesTests {
    static var blocks: [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let text = try? String(contentsOf: root.appendingPathComponent("docs/workflow-spec.md"), encoding: .utf8) else { return [] }
        return text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test func thereAreExamples() {
        #expect(Self.blocks.count >= 5)
    }

    @Test(arguments: blocks)
    func exampleValidates(_ yaml: String) {
        let (workflow, diagnostics) = WorkflowLoader.load(yaml: yaml, file: "docs/workflow-spec.md", knownSteps: DiagnosticFixtureTests.known)
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        #expect(workflow != nil)
    }
}
