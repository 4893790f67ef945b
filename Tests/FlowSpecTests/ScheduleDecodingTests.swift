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
