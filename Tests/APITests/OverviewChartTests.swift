import Foundation
import Store
import Testing

@testable import API

/// The overview's metric chart (issue 17): it opens on the workflow that ran most, not on whatever
/// ran last, and says which model each point is.
@Suite struct OverviewChartTests {
    func run(_ id: String, _ workflow: String, _ state: RunState) -> RunSummary {
        RunSummary(
            id: id, workflowName: workflow, datasetID: nil, trigger: .cli, state: state, createdAt: Date(),
            startedAt: nil, finishedAt: nil, error: nil)
    }

    @Test func theBusiestWorkflowComesFirstNotTheNewest() {
        // Newest first, as the store lists them: one `ticker` run after three of exam-pipeline.
        let recent = [
            run("r5", "ticker", .succeeded), run("r4", "broken", .failed), run("r3", "exam-pipeline", .succeeded),
            run("r2", "exam-pipeline", .succeeded), run("r1", "broken", .failed), run("r0", "exam-pipeline", .failed),
        ]
        #expect(OverviewPage.busiest(recent) == ["exam-pipeline", "ticker", "broken"])
        #expect(OverviewPage.busiest([]) == [])
    }

    @Test func pointsAreColouredAndNamedByModelType() {
        let chart = LineChart(
            points: [
                .init(label: "r1", href: "/runs/r1", value: 0.8, group: "logistic"),
                .init(label: "r2", href: "/runs/r2", value: 0.9, group: "random_forest"),
                .init(label: "r3", href: "/runs/r3", value: 0.85, group: "logistic"),
            ], name: "evaluate.f1"
        ).svg()
        #expect(chart.components(separatedBy: "class=\"chart-dot series-0\"").count == 3)
        #expect(chart.contains("class=\"chart-dot series-1\""))
        #expect(chart.contains("<title>r2 · random_forest: 0.9</title>"))
        #expect(
            chart.contains(
                "<div class=\"legend\" id=\"metric-legend\"><span class=\"series-0\"><span class=\"swatch\"></span>logistic</span>"))
    }

    @Test func durationBarsSayWhatTheirAxesAre() {
        let svg = DurationBars(bars: [.init(label: "r1", href: "/runs/r1", state: "succeeded", seconds: 12)]).svg()
        #expect(svg.contains(">duration</text>") && svg.contains(">← older</text>") && svg.contains(">newer → (1 runs)</text>"))
    }
}
