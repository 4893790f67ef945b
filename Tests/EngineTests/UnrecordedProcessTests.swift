import Foundation
import Store
import Testing

@testable import Engine

/// An attempt taken back before its program's pid was recorded (its worker frozen or killed right
/// after starting it): the program is found by the `FLOWRUN_*` variables of its environment and its
/// process group killed — not another attempt's. Real processes (`sleep`), each in its own process
/// group as the step spawner makes them (Foundation's `Process` starts one per child too).
struct UnrecordedProcessTests {
    func spawn(_ key: StepAttemptKey) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["300"]
        process.environment = [
            "PATH": "/usr/bin:/bin", "FLOWRUN_RUN_ID": key.runID, "FLOWRUN_STEP": key.stepID, "FLOWRUN_ATTEMPT": String(key.attempt),
        ]
        try process.run()
        return process
    }

    @Test func anUnrecordedProgramIsFoundByItsEnvironmentAndKilled() async throws {
        let h = try await Harness()
        let key = StepAttemptKey(runID: "r-\(UUID().uuidString.prefix(8))", stepID: "work", attempt: 1)
        let left = try spawn(key)
        let next = try spawn(StepAttemptKey(runID: key.runID, stepID: key.stepID, attempt: 2))
        defer {
            kill(next.processIdentifier, SIGKILL)
            next.waitUntilExit()
        }
        // Each leads its own group (what the kill reaches).
        let deadline = Date().addingTimeInterval(30)
        while [left, next].contains(where: { getpgid($0.processIdentifier) != $0.processIdentifier }), Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }

        await h.engine.stopLeftoverProcesses(of: [TakenBackAttempt(key: key, worker: "frozen", process: nil)])
        let gone = Date().addingTimeInterval(10)
        while left.isRunning, Date() < gone { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!left.isRunning, "the program attempt 1 left is still running")
        if left.isRunning { kill(left.processIdentifier, SIGKILL) }
        left.waitUntilExit()
        #expect(left.terminationReason == .uncaughtSignal && left.terminationStatus == SIGKILL)
        #expect(next.isRunning, "attempt 2's program was left alone")
        let log = try String(contentsOf: h.engine.layout.runLog(run: key.runID), encoding: .utf8)
        #expect(
            log.contains(
                "work attempt 1: killed process group \(left.processIdentifier) (found by its FLOWRUN_ variables: its pid was never recorded) that frozen left running"
            ), "\(log)")
    }
}
