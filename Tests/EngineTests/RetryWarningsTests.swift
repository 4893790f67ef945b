import Foundation
import Testing

@testable import Engine

/// A store call retried every half second logs its first failure, a new error at once, the same
/// error once a minute with the count, and one line when it works again.
struct RetryWarningsTests {
    @Test func aLongFaultIsALineAMinuteNotTwoASecond() {
        var warnings = RetryWarnings()
        let start = Date(timeIntervalSince1970: 1000)
        #expect(warnings.succeeded(at: start) == nil, "nothing failed yet")
        var logged: [String] = []
        // Five minutes of the same error, every 0.5 s.
        for tick in 0..<600 {
            let said = warnings.failed("disk is full", at: start.addingTimeInterval(Double(tick) * 0.5))
            if said.log { logged.append(said.note) }
        }
        #expect(
            logged == [
                "", " (failed 119 more times since the last line)", " (failed 119 more times since the last line)",
                " (failed 119 more times since the last line)", " (failed 119 more times since the last line)",
            ])
        // Something new is said at once.
        #expect(warnings.failed("connection refused", at: start.addingTimeInterval(300.2)).log)
        #expect(warnings.succeeded(at: start.addingTimeInterval(301)) == "works again after 601 failed tries over 301 s")
        // And the next fault starts afresh.
        #expect(warnings.failed("disk is full", at: start.addingTimeInterval(400)) == (true, ""))
    }
}
