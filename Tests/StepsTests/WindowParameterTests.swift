import FlowSpec
import Foundation
import Steps
import Testing

/// `window` as samples or a fraction; the clipping warning and the dropped columns in the outputs.
@Suite struct WindowParameterTests: StepScratch {
    let dir = Self.newDirectory()

    func exams() throws -> String {
        var text = "exam_id,timestamp,x,label\n"
        for k in 0..<8 { for t in 0..<(6 + k) { text += "E\(k),\(t),\(Double(t * t % 7) + Double(k)),\(k % 2 == 0 ? "a" : "b")\n" } }
        return try write("exams.csv", text)
    }

    @Test func samplesOrAFraction() async throws {
        let input = try exams()
        let log = LogLines()
        let clipped = try await PreprocessStep().run(try context("p", ["input": .string(input), "window": 50], log: log.logger))
        #expect(clipped.metrics["exams_shorter_than_window"] == 8)
        #expect(clipped.outputs["features_dropped"] == .map(["constant": 0, "duplicate": 3]))
        #expect(log.lines.filter { $0.hasPrefix("warning: window 50 samples is longer than 8 of 8 exams (6–13 samples") }.count == 1)
        let fraction = try await PreprocessStep().run(try context("p2", ["input": .string(input), "window": 0.5, "step": 0.25]))
        #expect(fraction.metrics["exams_shorter_than_window"] == 0)
        #expect(fraction.outputs["features_dropped"] == .map(["constant": 0, "duplicate": 0]))
    }

    @Test func aWindowOfOneOrANegativeOneIsRefused() async throws {
        let input = try exams()
        for bad: Value in [1, -0.5, 2.5, "wide"] {
            do {
                _ = try await PreprocessStep().run(try context("p", ["input": .string(input), "window": bad]))
                Issue.record("expected an error for \(bad)")
            } catch let error as StepError {
                #expect("\(error)".hasPrefix("with.window: expected "))
                #expect(error.isPermanent)
            }
        }
    }
}
