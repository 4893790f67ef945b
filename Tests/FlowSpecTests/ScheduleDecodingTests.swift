import FlowSpec
import Foundation
import Testing

/// `triggers: schedule:` decodes into the model; its mistakes are in the fixtures
/// (Fixtures/schedule*.yaml, with file:line:column).
@Suite struct ScheduleDecodingTests {
    @Test func decodesEveryKey() throws {
        let yaml = """
            name: nightly
            version: 1
            params:
              model_type: random_forest
            triggers:
              schedule: { cron: "0 2 * * *", timezone: Europe/Berlin, params: { model_type: xgboost }, catchup: all, overlap: skip }
            steps:
              a:
                uses: noop
            """
        let (workflow, diagnostics) = WorkflowLoader.load(yaml: yaml, file: "nightly.yaml", knownSteps: DiagnosticFixtureTests.known)
        #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics)")
        let schedule = try #require(workflow?.schedule)
        #expect(schedule.cron.text == "0 2 * * *")
        #expect(schedule.timeZone.identifier == "Europe/Berlin")
        #expect(schedule.params == ["model_type": .string("xgboost")])
        #expect(schedule.catchup == .all)
        #expect(schedule.overlap == .skip)
    }

    @Test func defaultsAreUTCLastAndAllow() throws {
        let yaml = "name: n\nversion: 1\ntriggers:\n  schedule: { cron: '@hourly' }\nsteps:\n  a:\n    uses: noop\n"
        let schedule = try #require(WorkflowLoader.load(yaml: yaml, file: "n.yaml", knownSteps: DiagnosticFixtureTests.known).0?.schedule)
        // Foundation on Linux names it GMT.
        #expect(schedule.timeZone.secondsFromGMT(for: Date()) == 0 && ["UTC", "GMT"].contains(schedule.timeZone.identifier))
        #expect(schedule.catchup == .last)
        #expect(schedule.overlap == .allow)
    }

    @Test func aWorkflowWithoutOneHasNone() {
        let yaml = "name: n\nversion: 1\nsteps:\n  a:\n    uses: noop\n"
        #expect(WorkflowLoader.load(yaml: yaml, file: "n.yaml", knownSteps: DiagnosticFixtureTests.known).0?.schedule == nil)
    }
}

/// docs/scheduling.md's Schedules and Backfill examples are valid workflows, and the schedule
/// example means what its comments say.
@Suite struct SchedulingDocsTests {
    static var blocks: [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let text = try? String(contentsOf: root.appendingPathComponent("docs/scheduling.md"), encoding: .utf8),
            let start = text.range(of: "## Schedules\n"), let end = text.range(of: "## Slots, pools and priorities")
        else { return [] }
        return String(text[start.upperBound..<end.lowerBound]).components(separatedBy: "```yaml\n").dropFirst()
            .map { $0.components(separatedBy: "```")[0] }
    }

    @Test func thereAreExamples() { #expect(Self.blocks.count >= 2) }

    @Test(arguments: blocks) func exampleValidates(_ yaml: String) {
        let (workflow, diagnostics) = WorkflowLoader.load(yaml: yaml, file: "docs/scheduling.md", knownSteps: DiagnosticFixtureTests.known)
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        #expect(workflow != nil)
    }

    @Test func theScheduleExampleSetsWhatItSays() throws {
        let yaml = try #require(Self.blocks.first { $0.contains("nightly-exams") })
        let schedule = try #require(
            WorkflowLoader.load(yaml: yaml, file: "docs/scheduling.md", knownSteps: DiagnosticFixtureTests.known).0?.schedule)
        #expect(schedule.cron.hours == [2] && schedule.cron.minutes == [0])
        #expect(schedule.timeZone.identifier == "Europe/Berlin")
        #expect(schedule.catchup == .last && schedule.overlap == .skip)
        #expect(schedule.params == ["model_type": .string("gradient_boosting")])
    }
}
