import Foundation
import Hummingbird
import Store
import Testing

@testable import API

/// Issue 17's failure triage on the server's side: the run page leads with a failed step's cause
/// (its error and the last lines it wrote), the runs table names it in one line, and a step's whole
/// log downloads as a plain-text attachment from a route that takes only the run's own steps.
@Suite struct RunPageFailureTests {
    @Test func aFailedRunShowsItsCauseFirstAndItsLogDownloads() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let created = try await client.post("/api/runs", json: #"{"workflow": "failing", "trigger": "ui"}"#)
            let id = try #require(created.json["id"] as? String)
            #expect(try await harness.runToEnd(id).state == .failed)

            let page = try await client.get("/runs/\(id)")
            #expect(page.status == 200)
            // The cause comes before everything else the live part shows (the run's facts, the graph).
            let failure = try #require(page.text.range(of: "<section id=\"failures\""))
            let facts = try #require(page.text.range(of: "<section id=\"run-facts\""))
            #expect(failure.lowerBound < facts.lowerBound)
            #expect(
                page.text.contains(
                    "<b>boom</b> failed after 1 attempt(s): <span class=\"error-text failure-error\">/bin/sh exited with status 3</span>"))
            #expect(page.text.contains("<strong class=\"cause-line\">about to fail</strong></pre>"))
            #expect(page.text.contains("href=\"/runs/\(id)/log?step=boom&amp;attempt=1\" download"))

            let runs = try await client.get("/runs")
            #expect(runs.text.contains("<td class=\"truncate error-text cause\" title=\"boom: /bin/sh exited with status 3\n"))
            #expect(runs.text.contains(">about to fail · boom: /bin/sh exited with status 3</td>"))

            let log = try await client.get("/runs/\(id)/log?step=boom&attempt=1")
            #expect(log.status == 200)
            #expect(log.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(log.headers[.contentDisposition] == "attachment; filename=\"\(id)-boom.1.log\"")
            #expect(log.headers[.contentTypeOptions] == "nosniff")
            #expect(log.headers[.contentSecurityPolicy] == "default-src 'none'; sandbox")
            #expect(log.text.contains("about to fail\n") && log.text.contains("failed: /bin/sh exited with status 3"))
            // The run's own log without a step.
            let runLog = try await client.get("/runs/\(id)/log")
            #expect(runLog.status == 200 && runLog.headers[.contentDisposition] == "attachment; filename=\"\(id)-run.log\"")

            // Only the run's steps name a file: no path is made from anything else.
            #expect(try await client.get("/runs/\(id)/log?step=..%2F..%2Fflowrun.sqlite").status == 404)
            #expect(try await client.get("/runs/\(id)/log?step=boom&attempt=2").status == 400)
            #expect(try await client.get("/runs/no-such-run/log").status == 404)
        }
    }

    @Test func theDownloadNameKeepsOnlySafeCharacters() {
        #expect(LogDownloadRoute.safeFileName("r1-step \"x\";\n.2.log") == "r1-step__x___.2.log")
    }
}
