import Engine
import FlowSpec
import Foundation
import Store
import TestSupport
import Testing

/// Notifications and SLAs (issue 18) against a real HTTP receiver on 127.0.0.1, a real store
/// (SQLite file; PostgreSQL under scripts/with-postgres) and the manual clock: the outbox row is
/// written with the run's end, the delivery service sends it, retries, and records each attempt.
@Suite struct NotifyTests {
    static let secret = "s3cr3t-for-the-test"

    func service(_ h: Harness, publicURL: String? = "https://flowrun.lab.example/") -> NotifyService {
        NotifyService(
            engine: h.engine, options: .init(name: "notify-test", publicURL: publicURL, webhookTimeout: .seconds(5)),
            environment: { $0 == "FLOWRUN_TEST_HOOK_SECRET" ? Self.secret : nil })
    }

    func events(_ h: Harness, _ runID: String) async throws -> [String] {
        try await h.store.events(runID: runID, after: 0, limit: 1000).filter { $0.kind == "notify" }.map(\.message)
    }

    /// `openssl dgst -hmac`: the signature checked by a tool that is not ours.
    func opensslHMAC(_ body: Data, key: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hmac-\(UUID().uuidString)")
        try body.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["dgst", "-sha256", "-hmac", key, "-r", file.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.split(separator: " ").first ?? "")
    }

    @Test(arguments: TestDatabase.all) func aFailedRunPostsASignedDocumentWithTheCause(database: TestDatabase) async throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let h = try await Harness(database: database)
        try h.write(
            "nightly",
            """
            name: nightly
            version: 1
            params:
              model: ridge
            notify:
              - on: [failed]
                webhook: { url: "\(receiver.url)", secret_env: FLOWRUN_TEST_HOOK_SECRET }
              - on: [succeeded]
                webhook: { url: "\(receiver.url)" }
            steps:
              prepare:
                run: echo ready
              train:
                needs: [prepare]
                run: |
                  echo "loading"
                  echo "ValueError: column 'hr' is empty" >&2
                  exit 3
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "nightly", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        #expect(try await h.engine.openNotifications(runID: run.id) == 1)

        #expect(await service(h).pass() == 1)
        let requests = try await receiver.waitFor(1)
        let request = try #require(requests.first)
        #expect(requests.count == 1)  // the `succeeded` rule is not asked
        #expect(request.method == "POST" && request.path == "/hook")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["x-flowrun-event"] == "failed")
        let signature = try #require(request.headers["x-flowrun-signature"])
        #expect(signature == "sha256=" + (try opensslHMAC(request.body, key: Self.secret)))
        #expect(signature != "sha256=" + (try opensslHMAC(request.body, key: "another key")))

        let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect(body["event"] as? String == "failed")
        #expect("\(body["delivery_id"] ?? "")" == request.headers["x-flowrun-delivery"])
        let doc = try #require(body["run"] as? [String: Any])
        #expect(doc["id"] as? String == run.id)
        #expect(doc["workflow"] as? String == "nightly")
        #expect(doc["state"] as? String == "failed")
        #expect(doc["url"] as? String == "https://flowrun.lab.example/runs/\(run.id)")
        #expect((doc["params"] as? [String: Any])?["model"] as? String == "ridge")
        #expect(doc["finished_at"] is String && doc["started_at"] is String)
        let failed = try #require(body["failed_step"] as? [String: Any])
        #expect(failed["id"] as? String == "train")
        #expect((failed["error"] as? String)?.contains("exited with status 3") == true)
        #expect((failed["error_excerpt"] as? String)?.hasSuffix("ValueError: column 'hr' is empty") == true)

        #expect(try await events(h, run.id) == ["failed: notify webhook http://127.0.0.1:\(receiver.port)/hook → 200"])
        #expect(try await h.engine.openNotifications(runID: run.id) == 0)
        // Sent once: another pass finds nothing due.
        #expect(await service(h).pass() == 0)
        #expect(receiver.requests.count == 1)
    }

    @Test(arguments: TestDatabase.all) func aReceiverAnswering500IsAskedAgainAfterTheBackoff(database: TestDatabase) async throws {
        let receiver = try HTTPReceiver(statuses: [500, 503])
        defer { receiver.stop() }
        let h = try await Harness(database: database)
        try h.write(
            "ok",
            """
            name: ok
            version: 1
            notify:
              - on: [succeeded]
                webhook: { url: "\(receiver.url)", format: slack }
            steps:
              a:
                run: echo fine
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "ok", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        let notify = service(h)

        #expect(await notify.pass() == 1)
        #expect(try await receiver.waitFor(1).count == 1)
        // Not due before its backoff: 2 s after the first failure, then 4 s.
        h.clock.advance(by: .seconds(1))
        #expect(await notify.pass() == 0)
        h.clock.advance(by: .seconds(1))
        #expect(await notify.pass() == 1)
        h.clock.advance(by: .seconds(4))
        #expect(await notify.pass() == 1)
        let requests = try await receiver.waitFor(3)
        #expect(requests.count == 3)
        #expect(Set(requests.map { $0.headers["x-flowrun-delivery"] ?? "" }).count == 1)  // one id: receivers dedupe
        #expect(requests.allSatisfy { $0.headers["x-flowrun-signature"] == nil })  // no secret_env, no signature
        let slack = try #require(try JSONSerialization.jsonObject(with: requests[2].body) as? [String: Any])
        #expect(slack.keys.sorted() == ["text"])
        #expect((slack["text"] as? String)?.contains("run \(run.id) (ok) succeeded") == true)

        let hook = "notify webhook http://127.0.0.1:\(receiver.port)/hook"
        #expect(
            try await events(h, run.id) == [
                "succeeded: \(hook) failed: HTTP 500; retry in 2 s",
                "succeeded: \(hook) failed: HTTP 503; retry in 4 s",
                "succeeded: \(hook) → 200",
            ])
        #expect(try await h.engine.openNotifications() == 0)
    }

    @Test(arguments: TestDatabase.all) func aReceiverThatIsDownDoesNotHoldTheRun(database: TestDatabase) async throws {
        // A port nothing listens on (held, so no other test's receiver gets it).
        let gone = try RefusingPort()
        defer { gone.release() }
        let url = gone.url
        let h = try await Harness(database: database)
        try h.write(
            "lonely",
            """
            name: lonely
            version: 1
            notify:
              - on: [succeeded, failed]
                webhook: { url: "\(url)" }
            steps:
              a:
                run: echo one
              b:
                needs: [a]
                run: echo two
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "lonely", trigger: .cli))
        // The delivery service runs beside the worker the whole time.
        let notify = service(h)
        let delivering = Task { try await notify.run() }
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        // The running service makes the first try: its sleep is woken on the manual clock until the
        // try is recorded, and only then is it stopped. (Stopped mid-try, as a loaded whole-suite
        // run once did, the delivery stays leased and a later pass rightly skips it.)
        let deadline = Date().addingTimeInterval(60)
        var messages = try await events(h, run.id)
        while messages.isEmpty, Date() < deadline {
            if h.clock.sleeperCount > 0 { h.clock.advance(by: .seconds(1)) }
            try await Task.sleep(for: .milliseconds(50))
            messages = try await events(h, run.id)
        }
        delivering.cancel()
        _ = try? await delivering.value
        #expect(!messages.isEmpty)
        #expect(
            messages.allSatisfy {
                $0.hasPrefix("succeeded: notify webhook http://127.0.0.1:\(gone.port)/hook failed: ") && $0.contains("; retry in")
            })
        #expect(try await h.engine.openNotifications(runID: run.id) == 1)
    }

    @Test func aCommandNotifierReadsTheDocumentOnStdin() async throws {
        let h = try await Harness()
        let out = h.root.appendingPathComponent("notified.json")
        try h.write(
            "cmd",
            """
            name: cmd
            version: 1
            notify:
              - on: [succeeded]
                run: cat > '\(out.path)'; echo "$FLOWRUN_NOTIFY_EVENT $FLOWRUN_RUN_ID" > '\(out.path).env'
            steps:
              a:
                run: echo fine
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "cmd", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        #expect(await service(h, publicURL: nil).pass() == 1)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        #expect(body["event"] as? String == "succeeded")
        #expect((body["run"] as? [String: Any])?["id"] as? String == run.id)
        #expect((body["run"] as? [String: Any])?["url"] is NSNull)
        #expect(body["failed_step"] is NSNull)
        #expect(try String(contentsOf: URL(fileURLWithPath: out.path + ".env"), encoding: .utf8) == "succeeded \(run.id)\n")
        #expect(try await events(h, run.id).first?.hasSuffix("→ exit 0") == true)
    }

    @Test func aFailingCommandIsRetriedAndAMissingSecretIsNot() async throws {
        let h = try await Harness()
        try h.write(
            "bad",
            """
            name: bad
            version: 1
            notify:
              - on: [succeeded]
                run: echo "no route to pager" >&2; exit 7
              - on: [succeeded]
                webhook: { url: "http://127.0.0.1:9/never", secret_env: FLOWRUN_NOT_SET_ANYWHERE }
            steps:
              a:
                run: echo fine
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "bad", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        #expect(await service(h).pass() == 2)
        let messages = try await events(h, run.id).sorted()
        #expect(messages.count == 2)
        #expect(messages.contains { $0.contains("exited with status 7: no route to pager; retry in 2 s") })
        #expect(messages.contains { $0.contains("FLOWRUN_NOT_SET_ANYWHERE (secret_env) is not set") && $0.hasSuffix("(not retried)") })
        #expect(try await h.engine.openNotifications(runID: run.id) == 1)
    }

    @Test(arguments: TestDatabase.all) func aRetriedRunsSLAIsArmedAgainFromTheRetry(database: TestDatabase) async throws {
        let h = try await Harness(database: database)
        let armed = h.root.appendingPathComponent("armed")
        let release = h.root.appendingPathComponent("release")
        try h.write(
            "again",
            """
            name: again
            version: 1
            sla: 1h
            steps:
              work:
                sla: 10m
                run: if [ ! -f '\(armed.path)' ]; then touch '\(armed.path)'; exit 1; fi; while [ ! -f '\(release.path)' ]; do sleep 0.05; done
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "again", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        let notify = service(h)
        // No rule listens: the marks are the run's sla_missed events (the delivery service adds them).
        func missed() async throws -> [String] {
            _ = await notify.pass()
            return try await h.store.events(runID: run.id, after: 0, limit: 100).filter { $0.kind == "sla_missed" }.map(\.message)
        }
        h.clock.advance(by: .seconds(2 * 3600))
        #expect(try await missed() == [], "a run that ended is past no SLA")

        // Retried two hours after its submission: the hour counts from now, the step's ten minutes from its start.
        try await h.engine.retry(runID: run.id)
        let worker = h.worker(runID: run.id, lease: .seconds(4 * 3600))
        let working = Task { try await worker.run() }
        defer { working.cancel() }
        let deadline = Date().addingTimeInterval(30)
        while try await h.steps(run.id)["work"]?.state != .running, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await h.steps(run.id)["work"]?.state == .running)
        #expect(try await missed() == [], "armed again from the retry, not from the submission two hours ago")
        h.clock.advance(by: .seconds(601))
        #expect(try await missed() == ["sla: step work still going after 10m"])
        h.clock.advance(by: .seconds(3000))
        #expect(try await missed() == ["sla: step work still going after 10m", "sla: run still going after 1h"])
        FileManager.default.createFile(atPath: release.path, contents: nil)
        let end = Date().addingTimeInterval(30)
        while try await h.store.run(id: run.id)?.state.isFinished != true, Date() < end {
            try await Task.sleep(for: .milliseconds(10))
            if h.clock.sleeperCount > 0 { h.clock.advance(by: .seconds(1)) }
        }
        #expect(try await h.store.run(id: run.id)?.state == .succeeded)
    }

    @Test(arguments: TestDatabase.all) func aRunPastItsSLANotifiesWhileItStillRuns(database: TestDatabase) async throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let h = try await Harness(database: database)
        let release = h.root.appendingPathComponent("release")
        try h.write(
            "slow",
            """
            name: slow
            version: 1
            sla: 1h
            notify:
              - on: [sla_missed]
                webhook: { url: "\(receiver.url)", format: json }
            steps:
              wait:
                sla: 10m
                run: while [ ! -f '\(release.path)' ]; do sleep 0.05; done
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "slow", trigger: .cli))
        let worker = h.worker(runID: run.id, lease: .seconds(4 * 3600))
        let working = Task { try await worker.run() }
        defer { working.cancel() }
        let notify = service(h)
        // The step's process is really running (polled, with a deadline).
        let deadline = Date().addingTimeInterval(30)
        while try await h.steps(run.id)["wait"]?.state != .running, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await h.steps(run.id)["wait"]?.state == .running)

        #expect(await notify.pass() == 0)  // nothing missed yet
        h.clock.advance(by: .seconds(601))
        #expect(await notify.pass() == 1)  // the step's 10 minutes
        h.clock.advance(by: .seconds(3000))
        #expect(await notify.pass() == 1)  // the run's hour
        h.clock.advance(by: .seconds(3600))
        #expect(await notify.pass() == 0)  // each once
        let requests = try await receiver.waitFor(2)
        #expect(requests.count == 2)
        let bodies = try requests.map { try #require(try JSONSerialization.jsonObject(with: $0.body) as? [String: Any]) }
        #expect(bodies.allSatisfy { $0["event"] as? String == "sla_missed" })
        #expect(bodies.allSatisfy { ($0["run"] as? [String: Any])?["state"] as? String == "running" })  // while it runs
        #expect(bodies.map { ($0["sla"] as? [String: Any])?["step"] as? String } == ["wait", nil])
        #expect(bodies.map { ($0["sla"] as? [String: Any])?["seconds"] as? Double } == [600, 3600])
        let missed = try await h.store.events(runID: run.id, after: 0, limit: 100).filter { $0.kind == "sla_missed" }.map(\.message)
        #expect(missed == ["sla: step wait still going after 10m", "sla: run still going after 1h"])

        FileManager.default.createFile(atPath: release.path, contents: nil)
        let end = Date().addingTimeInterval(30)
        while try await h.store.run(id: run.id)?.state.isFinished != true, Date() < end {
            try await Task.sleep(for: .milliseconds(10))
            if h.clock.sleeperCount > 0 { h.clock.advance(by: .seconds(1)) }
        }
        #expect(try await h.store.run(id: run.id)?.state == .succeeded)
    }

    @Test(arguments: TestDatabase.all) func aDeliveryLeasedByAProcessThatDiedIsSentAfterItsLease(database: TestDatabase) async throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let h = try await Harness(database: database)
        try h.write(
            "ok",
            "name: ok\nversion: 1\nnotify:\n  - on: [succeeded]\n    webhook: { url: \"\(receiver.url)\" }\nsteps:\n  a:\n    run: echo fine\n"
        )
        let run = try await h.engine.submit(SubmitRequest(workflow: "ok", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        // Another process leased it for two minutes and died before sending.
        let outbox = try #require(h.store as? any NotifyOutbox)
        let now = h.clock.now()
        #expect(try await outbox.claimDeliveries(worker: "dead", now: now, until: now.addingTimeInterval(120), limit: 10).count == 1)
        #expect(await service(h).pass() == 0)
        h.clock.advance(by: .seconds(121))
        #expect(await service(h).pass() == 1)
        #expect(try await receiver.waitFor(1).count == 1)
        #expect(try await h.engine.openNotifications(runID: run.id) == 0)
    }

    @Test func teamsGetsAMessageCardWithTheSameText() async throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let h = try await Harness()
        try h.write(
            "t",
            "name: t\nversion: 1\nnotify:\n  - on: [failed]\n    webhook: { url: \"\(receiver.url)\", format: teams }\nsteps:\n  a:\n    run: echo 'out of memory' >&2; exit 1\n"
        )
        let run = try await h.engine.submit(SubmitRequest(workflow: "t", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        #expect(await service(h).pass() == 1)
        let request = try #require(try await receiver.waitFor(1).first)
        let card = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect(card["@type"] as? String == "MessageCard")
        #expect(card["summary"] as? String == "flowrun run \(run.id) failed")
        let text = try #require(card["text"] as? String)
        #expect(text.hasPrefix("flowrun: run \(run.id) (t) failed — step a: /bin/sh exited with status 1"))
        #expect(text.contains("> out of memory"))
        #expect(text.hasSuffix("https://flowrun.lab.example/runs/\(run.id)"))
    }

    @Test(arguments: TestDatabase.all) func twoServicesAtOnceSendEachNotificationOnce(database: TestDatabase) async throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let h = try await Harness(database: database)
        try h.write(
            "many",
            "name: many\nversion: 1\nnotify:\n  - on: [succeeded]\n    webhook: { url: \"\(receiver.url)\" }\nsteps:\n  a:\n    run: echo fine\n"
        )
        var ids: [String] = []
        for _ in 0..<6 {
            let run = try await h.engine.submit(SubmitRequest(workflow: "many", trigger: .cli))
            #expect(try await h.runToEnd(run.id).state == .succeeded)
            ids.append(run.id)
        }
        let a = NotifyService(engine: h.engine, options: .init(name: "a"))
        let b = NotifyService(engine: h.engine, options: .init(name: "b"))
        async let first = a.pass()
        async let second = b.pass()
        #expect(await first + second == 6)
        let requests = try await receiver.waitFor(6)
        #expect(requests.count == 6)
        let runs = requests.compactMap { try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any] }
            .compactMap { ($0["run"] as? [String: Any])?["id"] as? String }
        #expect(runs.sorted() == ids.sorted())
    }

    @Test(arguments: TestDatabase.all) func aCanceledRunNotifiesCanceledAndARetriedOneNotifiesAgain(database: TestDatabase) async throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let h = try await Harness(database: database)
        try h.write(
            "c",
            "name: c\nversion: 1\nnotify:\n  - on: [canceled, succeeded]\n    webhook: { url: \"\(receiver.url)\" }\nsteps:\n  a:\n    run: echo fine\n"
        )
        let run = try await h.engine.submit(SubmitRequest(workflow: "c", trigger: .cli))
        try await h.engine.cancel(runID: run.id)
        #expect(try await h.store.run(id: run.id)?.state == .canceled)
        #expect(await service(h).pass() == 1)
        // Retried, it ends again: a new notification with a new delivery id.
        try await h.engine.retry(runID: run.id)
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        #expect(await service(h).pass() == 1)
        let requests = try await receiver.waitFor(2)
        #expect(requests.map { $0.headers["x-flowrun-event"] ?? "" } == ["canceled", "succeeded"])
        #expect(Set(requests.map { $0.headers["x-flowrun-delivery"] ?? "" }).count == 2)
    }

    @Test func aWorkflowWithoutNotifyUsesTheProjectDefault() async throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let h = try await Harness()
        var engine = h.engine
        engine.notifyDefaults = [NotifyRule(on: [.succeeded], webhook: WebhookTarget(url: receiver.url))]
        try h.write("plain", "name: plain\nversion: 1\nsteps:\n  a:\n    run: echo fine\n")
        let run = try await engine.submit(SubmitRequest(workflow: "plain", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .succeeded)
        #expect(await service(h).pass() == 1)
        #expect(try await receiver.waitFor(1).first?.headers["x-flowrun-event"] == "succeeded")
    }
}
