import FlowSpec
import Foundation
import Testing

/// The examples of docs/scheduling.md's "Slots, pools and priorities" are valid: each workflow loads
/// without a diagnostic and means what the text says; the flowrun.yaml block is a valid project file.
@Suite struct SchedulingDocsSlotsTests {
    static func section() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/scheduling.md"), encoding: .utf8)
        let start = try #require(text.range(of: "## Slots, pools and priorities\n"))
        let rest = text[start.upperBound...]
        return String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
    }

    static func yamlBlocks() throws -> [String] {
        try section().components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test func workflowExamplesLoadAndSayWhatTheTextSays() throws {
        let workflows = try Self.yamlBlocks().filter { $0.contains("\nsteps:") }
        #expect(workflows.count == 3)
        var loaded: [String: Workflow] = [:]
        for yaml in workflows {
            let (workflow, diagnostics) = WorkflowLoader.load(
                yaml: yaml, file: "docs/scheduling.md", knownSteps: DiagnosticFixtureTests.known)
            #expect(diagnostics.isEmpty, "\(diagnostics)")
            if let workflow { loaded[workflow.name] = workflow }
        }
        #expect(loaded["slots-example"]?.step("report")?.cpu == 2)
        #expect(loaded["slots-example"]?.step("fit")?.cpu == nil)
        #expect(loaded["pool-example"]?.step("fit")?.pool == "gpu")
        #expect(loaded["pool-example"]?.step("fit")?.cpu == 4)
        #expect(loaded["urgent-report"]?.priority == 10)
    }

    @Test func theProjectFileExampleSetsPools() throws {
        let yaml = try #require(try Self.yamlBlocks().first { $0.hasPrefix("pools:") })
        let (project, diagnostics) = ProjectFile.load(yaml: yaml, file: "flowrun.yaml")
        #expect(diagnostics.isEmpty)
        #expect(project?.pools == ["gpu": 2, "licenses": 5])
    }

    @Test func badValuesAreRefusedWithTheirPlace() {
        let yaml = "name: w\nversion: 1\npriority: 500\nsteps:\n  a: { uses: noop, cpu: 0, pool: \"g p u\" }\n"
        let (_, diagnostics) = WorkflowLoader.load(yaml: yaml, file: "w.yaml", knownSteps: DiagnosticFixtureTests.known)
        #expect(
            diagnostics.map(\.description) == [
                "w.yaml:3:11: error: priority: expected an integer from -100 to 100, got number 500",
                "w.yaml:5:25: error: steps.a.cpu: expected an integer ≥ 1, got number 0",
                "w.yaml:5:34: error: steps.a.pool: a pool name uses letters, digits, '-' or '_' (at most 64), got \"g p u\"",
            ])
    }
}
