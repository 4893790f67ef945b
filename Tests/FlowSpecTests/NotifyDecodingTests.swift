import FlowSpec
import Foundation
import Testing

/// `notify:` and `sla:` (issue 18): what they decode to, each mistake refused at its place, and the
/// examples of docs/scheduling.md's "Notifications" and "SLA" sections valid as written.
@Suite struct NotifyDecodingTests {
    func load(_ yaml: String) -> (Workflow?, [SpecDiagnostic]) {
        WorkflowLoader.load(yaml: yaml, file: "w.yaml", knownSteps: DiagnosticFixtureTests.known)
    }

    func errors(_ yaml: String) -> [String] {
        load(yaml).1.filter { $0.severity == .error }.map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test func rulesAndSLAsDecode() throws {
        let (workflow, diagnostics) = load(
            """
            name: n
            version: 1
            sla: 1h30m
            notify:
              - on: [failed, sla_missed]
                webhook: { url: "https://hooks.example/x", secret_env: HOOK_KEY, format: teams }
              - on: succeeded
                run: cat > /tmp/x
            steps:
              a:
                run: echo hi
                sla: 10m
            """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let w = try #require(workflow)
        #expect(w.sla == .seconds(5400))
        #expect(w.step("a")?.sla == .seconds(600))
        #expect(
            w.notify == [
                NotifyRule(
                    on: [.failed, .slaMissed], webhook: WebhookTarget(url: "https://hooks.example/x", secretEnv: "HOOK_KEY", format: .teams)
                ),
                NotifyRule(on: [.succeeded], run: "cat > /tmp/x"),
            ])
    }

    @Test func eachMistakeIsRefusedAtItsPlace() {
        let found = errors(
            """
            name: n
            version: 1
            sla: soon
            notify:
              - on: [faild]
                webhook: { url: "hooks.example/x", secret_env: "my secret", format: discord, retries: 3 }
              - on: [failed]
              - webhook: { url: "http://h/x" }
            steps:
              a:
                run: echo hi
                sla: 0s
            """)
        #expect(
            found == [
                "3:6: sla: expected a duration like 90s, 10m, 2h or 1h30m, got string \"soon\"",
                "5:10: notify[0].on: unknown event 'faild'; did you mean 'failed'? (events: failed, succeeded, canceled, sla_missed)",
                "6:21: notify[0].webhook.url: expected an http:// or https:// URL with a host, got \"hooks.example/x\"",
                "6:52: notify[0].webhook.secret_env: expected the name of an environment variable (letters, digits, '_'), got \"my secret\"",
                "6:73: notify[0].webhook.format: unknown format 'discord' (formats: json, slack, teams)",
                "6:82: notify[0].webhook: unknown key 'retries' (allowed: url, secret_env, format)",
                "7:5: notify[1]: give `webhook:` (a URL to POST to) or `run:` (a command), or both",
                "8:5: notify[2]: missing `on:` (the events to notify: failed, succeeded, canceled, sla_missed)",
                "12:10: steps.a.sla: expected a duration like 90s, 10m, 2h or 1h30m, got string \"0s\"",
            ], "\(found)")
    }

    @Test func aBadSecretNameOrFormatIsNamed() {
        let found = errors(
            """
            name: n
            version: 1
            notify:
              - on: [failed]
                webhook: { url: "https://h/x", secret_env: "1BAD", format: slak }
            steps:
              a:
                run: echo hi
            """)
        #expect(found.contains { $0.contains("notify[0].webhook.secret_env: expected the name of an environment variable") })
        #expect(found.contains { $0.contains("notify[0].webhook.format: unknown format 'slak'; did you mean 'slack'?") })
    }

    @Test func theProjectFileHoldsTheDefault() throws {
        let (project, diagnostics) = ProjectFile.load(
            yaml: """
                notify:
                  - on: [failed]
                    webhook: { url: "https://hooks.example/x" }
                """, file: "flowrun.yaml")
        #expect(diagnostics.isEmpty)
        #expect(project?.notify == [NotifyRule(on: [.failed], webhook: WebhookTarget(url: "https://hooks.example/x"))])
        let (bad, problems) = ProjectFile.load(yaml: "notify:\n  - on: [sla-missed]\n    run: x\n", file: "flowrun.yaml")
        #expect(bad == nil)
        #expect(problems.map { "\($0.file):\($0.line):\($0.column)" } == ["flowrun.yaml:2:10"])
        #expect(problems.first?.message.contains("did you mean 'sla_missed'?") == true)
    }

    /// The ```yaml blocks of docs/scheduling.md's "Notifications" and "SLA" sections: workflows, and
    /// the project file (the block that starts `# flowrun.yaml`).
    static var docBlocks: [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let text = try? String(contentsOf: root.appendingPathComponent("docs/scheduling.md"), encoding: .utf8),
            let start = text.range(of: "## Notifications")
        else { return [] }
        var sections = String(text[start.lowerBound...])
        if let sla = sections.range(of: "## SLA"), let next = sections[sla.upperBound...].range(of: "\n## ") {
            sections = String(sections[..<next.lowerBound])
        }
        return sections.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test func theDocsHaveExamples() {
        #expect(Self.docBlocks.count >= 3)
        #expect(Self.docBlocks.contains { $0.hasPrefix("# flowrun.yaml") })
    }

    @Test(arguments: docBlocks) func docsExampleValidates(_ yaml: String) {
        if yaml.hasPrefix("# flowrun.yaml") {
            let (project, diagnostics) = ProjectFile.load(yaml: yaml, file: "docs/scheduling.md")
            #expect(diagnostics.isEmpty, "\(diagnostics)")
            #expect(project?.notify.isEmpty == false)
        } else {
            let (workflow, diagnostics) = WorkflowLoader.load(
                yaml: yaml, file: "docs/scheduling.md", knownSteps: DiagnosticFixtureTests.known)
            #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
            #expect(workflow?.notify.isEmpty == false)
        }
    }
}
