import FlowSpec
import Foundation
import Steps
import Testing

/// The select step on hand-written metrics.json files: ranking by the goal (given or by the metric's
/// name), ties to the earlier item, the winner's params, model and metrics, and its refusals.
@Suite struct SelectStepTests: StepScratch {
    let dir = Self.newDirectory()

    /// An item as `${{ steps.evaluate.items }}` lists it, with a metrics.json holding `metrics`.
    func item(_ id: String, _ params: [String: Value], _ metrics: [String: Double]) throws -> Value {
        let body = metrics.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        let path = try write("\(UUID().uuidString).json", "{\"task\": \"classification\", \"metrics\": {\(body)}}")
        return .map([
            "id": .string(id), "matrix": .map(params), "outputs": .map(["metrics": .string(dir.appendingPathComponent(path).path)]),
        ])
    }

    func select(_ with: [String: Value]) async throws -> StepResult {
        try await SelectStep().run(try context("select", with))
    }

    @Test func ranksByTheMetricAndTiesGoToTheEarlierItem() async throws {
        let items: [Value] = [
            try item("e[m=a]", ["m": .string("a")], ["accuracy": 0.7, "rmse": 3]),
            try item("e[m=b]", ["m": .string("b")], ["accuracy": 0.9, "rmse": 2]),
            try item("e[m=c]", ["m": .string("c")], ["accuracy": 0.9, "rmse": 1]),
        ]
        let models: Value = .list([
            .map(["id": .string("t[m=b]"), "matrix": .map(["m": .string("b")]), "outputs": .map(["model": .string("/m/b.model")])])
        ])
        let result = try await select(["items": .list(items), "models": models, "metric": .string("accuracy")])
        #expect(result.outputs["best"] == .string("e[m=b]"))
        #expect(result.outputs["params"] == .map(["m": .string("b")]))
        #expect(result.outputs["model"] == .string("/m/b.model"))
        #expect(result.outputs["value"] == .number(0.9))
        #expect(result.metrics == ["accuracy": 0.9])
        let csv = try String(contentsOf: dir.appendingPathComponent("select/leaderboard.csv"), encoding: .utf8)
        #expect(
            csv.split(separator: "\n").map { $0.split(separator: ",").prefix(3).joined(separator: ",") }
                == ["rank,item,m", "1,e[m=b],b", "2,e[m=c],c", "3,e[m=a],a"])

        // rmse is minimized without being told.
        let byError = try await select(["items": .list(items), "metric": .string("rmse")])
        #expect(byError.outputs["best"] == .string("e[m=c]"))
        #expect(byError.outputs["model"] == nil)
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("select/leaderboard.json")))
            as? [String: Any]
        #expect(json?["goal"] as? String == "minimize")
        // An explicit goal wins over the name's default.
        let worst = try await select(["items": .list(items), "metric": .string("accuracy"), "goal": .string("minimize")])
        #expect(worst.outputs["best"] == .string("e[m=a]"))
    }

    @Test func refusesWhatCannotBeRanked() async throws {
        let items: Value = .list([try item("e[m=a]", ["m": .string("a")], ["accuracy": 0.7])])
        await #expect(throws: StepError.invalidInput("with.goal: expected maximize or minimize, got 'up'")) {
            try await select(["items": items, "metric": .string("accuracy"), "goal": .string("up")])
        }
        await #expect(throws: StepError.invalidInput("with.items[0] (e[m=a]): metrics.json has no metric 'f2' (it has: accuracy)")) {
            try await select(["items": items, "metric": .string("f2"), "goal": .string("maximize")])
        }
        await #expect(throws: StepError.self) { try await select(["items": items, "metric": .string("speed")]) }
        await #expect(throws: StepError.invalidInput("with.items: there are no items to select from (were they all skipped?)")) {
            try await select(["items": .list([]), "metric": .string("accuracy")])
        }
    }
}
