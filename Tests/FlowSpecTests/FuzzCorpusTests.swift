import FlowSpec
import Foundation
import Testing

/// Inputs the libFuzzer run found interesting (Fixtures/fuzz, the smallest of its minimized corpus):
/// each must still load to diagnostics or a workflow, never a crash, and errors must have a place.
@Suite struct FuzzCorpusTests {
    @Test func corpusInputsAreHandled() throws {
        let folder = DiagnosticFixtureTests.fixtures.appendingPathComponent("fuzz")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count >= 100)
        for name in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            guard let text = String(data: data, encoding: .utf8) else { continue }
            let (workflow, diagnostics) = WorkflowLoader.load(yaml: text, file: name, knownSteps: ["noop", "command", "train"])
            #expect(workflow != nil || diagnostics.contains { $0.severity == .error }, "\(name)")
            #expect(diagnostics.allSatisfy { $0.line >= 1 && $0.column >= 1 }, "\(name)")
        }
    }
}
