import FlowSpec
import Foundation
import Testing

/// `flowrun.yaml`: every key read with its place, every mistake named at its line and column.
@Suite struct ProjectFileTests {
    @Test func readsEveryKeyWithItsPlace() throws {
        let yaml = """
            data: /srv/flowrun
            workflows: flows
            database: postgres://flowrun@db/flowrun
            allowed_roots: [/mnt/nas/exams, /mnt/nas/archive]
            server: { host: 0.0.0.0, port: 0, public_url: "https://flowrun.lab.example" }
            log:
              level: debug
              format: json
            """
        let (project, diagnostics) = ProjectFile.load(yaml: yaml, file: "flowrun.yaml")
        #expect(diagnostics.isEmpty)
        let file = try #require(project)
        #expect(file[.data] == ProjectFile.Entry(value: "/srv/flowrun", line: 1, column: 7))
        #expect(file[.allowedRoots]?.value == "/mnt/nas/exams:/mnt/nas/archive")
        #expect(file[.serverPort]?.value == "0")
        #expect(file[.serverPublicURL]?.value == "https://flowrun.lab.example")
        #expect(file[.logFormat] == ProjectFile.Entry(value: "json", line: 8, column: 11))
        #expect(file[.database]?.value == "postgres://flowrun@db/flowrun")
    }

    @Test func anEmptyFileIsAProjectWithDefaults() {
        let (project, diagnostics) = ProjectFile.load(yaml: "# nothing set yet\n", file: "flowrun.yaml")
        #expect(diagnostics.isEmpty)
        #expect(project == ProjectFile())
    }

    @Test func mistakesAreNamedAtTheirPlace() {
        let yaml = """
            data: [a, b]
            server:
              port: http
              hots: x
            allowed_roots: ["/a:b"]
            data: again
            """
        let (project, diagnostics) = ProjectFile.load(yaml: yaml, file: "flowrun.yaml")
        #expect(project == nil)
        let text = diagnostics.map(\.description)
        #expect(text.contains("flowrun.yaml:1:7: error: data: expected a string, got a list"))
        #expect(text.contains("flowrun.yaml:3:9: error: server.port: expected a non-negative integer, got string \"http\""))
        #expect(text.contains { $0.hasPrefix("flowrun.yaml:4:3: error: server: unknown key 'hots'; did you mean 'host'?") })
        #expect(text.contains { $0.hasPrefix("flowrun.yaml:5:16: error: allowed_roots: '/a:b' holds ':'") })
        #expect(text.contains("flowrun.yaml:6:1: error: duplicate key 'data' (first defined at line 1, column 1)"), "\(text)")
    }

    /// docs/projects.md's examples and the repository's own flowrun.yaml load without a problem.
    @Test func theDocumentedFilesLoad() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = try String(contentsOf: root.appendingPathComponent("docs/projects.md"), encoding: .utf8)
        let blocks = docs.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        let own = try String(contentsOf: root.appendingPathComponent("flowrun.yaml"), encoding: .utf8)
        #expect(blocks.count >= 1)
        for yaml in blocks + [own] {
            let (project, diagnostics) = ProjectFile.load(yaml: yaml, file: "docs/projects.md")
            #expect(diagnostics.isEmpty, "\(diagnostics)")
            #expect(project != nil)
        }
    }
}
