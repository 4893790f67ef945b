import Foundation
import TestSupport
import Testing

/// Notifications from the real `flowrun` binary: the project file's default `notify:` and
/// `server.public_url`, a secret from the process's environment, delivered before `flowrun run` exits.
@Suite struct NotifyCommandTests {
    @Test func flowrunRunDeliversItsRunsEndBeforeExiting() async throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.write(
            "flowrun.yaml",
            """
            server: { public_url: "https://flowrun.lab.example" }
            notify:
              - on: [failed]
                webhook: { url: "\(receiver.url)", secret_env: HOOK_SECRET }
            """)
        try cli.write("workflows/fails.yaml", "name: fails\nversion: 1\nsteps:\n  boom:\n    run: echo 'disk full' >&2; exit 7\n")
        let result = try cli.run(["run", "fails"], environment: ["HOOK_SECRET": "k"])
        #expect(result.status == 1, "\(result.stderr)")
        // Already there when the process has exited: no wait needed, but a real socket is polled.
        let request = try #require(try await receiver.waitFor(1, seconds: 5).first)
        #expect(request.headers["x-flowrun-signature"]?.hasPrefix("sha256=") == true)
        let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        let run = try #require(body["run"] as? [String: Any])
        #expect((run["url"] as? String)?.hasPrefix("https://flowrun.lab.example/runs/") == true)
        #expect((body["failed_step"] as? [String: Any])?["error_excerpt"] as? String == "disk full")
    }

    @Test func aWorkerDeliversWhatADetachedRunLeavesAndStillStopsOnSIGTERM() async throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let cli = try CLI()
        try cli.write(
            "workflows/ok.yaml",
            "name: ok\nversion: 1\nnotify:\n  - on: [succeeded]\n    webhook: { url: \"\(receiver.url)\" }\nsteps:\n  a:\n    run: echo fine\n"
        )
        let submitted = try cli.run(["run", "ok", "--detach"])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(receiver.requests.isEmpty)  // nothing ran yet

        let (worker, out, err) = try cli.start(["worker"])
        let outText = ReadAll(out), errText = ReadAll(err)
        let requests = try await receiver.waitFor(1, seconds: 60)
        #expect(requests.first?.headers["x-flowrun-event"] == "succeeded")
        kill(worker.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while worker.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!worker.isRunning, "the worker did not stop within 30 s of SIGTERM")
        if worker.isRunning { worker.terminate() }
        worker.waitUntilExit()
        #expect(worker.terminationStatus == 0, "\(String(decoding: errText.wait(), as: UTF8.self))")
        _ = outText.wait()
        #expect(receiver.requests.count == 1)
    }

    @Test func aBadNotifyEntryIsRefusedWithItsPlace() throws {
        let cli = try CLI()
        try cli.write(
            "workflows/typo.yaml",
            """
            name: typo
            version: 1
            notify:
              - on: [failed, sla_mised]
                webhook: { url: "ftp://hooks.example/x" }
            steps:
              a:
                run: echo hi
            """)
        let result = try cli.run(["validate", "workflows/typo.yaml"])
        #expect(result.status != 0)
        let output = result.stdout + result.stderr
        #expect(output.contains("typo.yaml:4:18"), "\(output)")
        #expect(output.contains("unknown event 'sla_mised'; did you mean 'sla_missed'?"))
        #expect(output.contains("typo.yaml:5:21"))
        #expect(output.contains("expected an http:// or https:// URL"))
    }
}
