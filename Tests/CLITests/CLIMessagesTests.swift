import Foundation
import Testing

/// The small things a first-time user trips over (issue 17, item 6), each as the user meets it.
@Suite struct CLIMessagesTests {
    static let slow = """
        name: slow
        version: 1
        steps:
          nap:
            run: sleep 30
            timeout: 30m
            retries: { max: 2, delay: 10s, max_delay: 2h }
        """

    @Test func explainWritesDurationsAsWorkflowsDo() throws {
        let cli = try CLI()
        try cli.write("workflows/slow.yaml", Self.slow)
        let result = try cli.run(["validate", "--explain", "workflows/slow.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("delay 10s, max 2h"), "\(result.stdout)")
        #expect(result.stdout.contains("timeout 30m"), "\(result.stdout)")
        #expect(!result.stdout.contains("seconds"))
    }

    @Test func aMistypedWorkflowOrStepGetsADidYouMean() throws {
        let cli = try CLI()
        try cli.write("workflows/hello.yaml", "name: hello\nversion: 1\nsteps:\n  greet:\n    run: echo hi\n")
        let typo = try cli.run(["run", "helo"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("workflow 'helo' not found; did you mean 'hello'? (available: hello)"), "\(typo.stderr)")
        #expect(try cli.run(["run", "hello"]).status == 0)
        let list = try JSONSerialization.jsonObject(with: Data(try cli.run(["runs", "list", "--json"]).stdout.utf8)) as? [[String: Any]]
        let id = try #require(list?.first?["id"] as? String)
        let logs = try cli.run(["runs", "logs", id, "--step", "gret"])
        #expect(logs.status == 2)
        #expect(logs.stderr.contains("run '\(id)' has no step 'gret'; did you mean 'greet'? (steps: greet)"), "\(logs.stderr)")
    }

    @Test func aDatasetForAWorkflowWithoutOneIsRefused() throws {
        let cli = try CLI()
        try cli.write("workflows/hello.yaml", "name: hello\nversion: 1\nsteps:\n  greet:\n    run: echo hi\n")
        try cli.write("data/inbound/exams.csv", "exam_id,t,v\n1,0,0.5\n")
        let result = try cli.run(["run", "hello", "--dataset", "data/inbound/exams.csv"])
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("workflow 'hello' has no dataset input: a dataset given to it would not be used"), "\(result.stderr)")
        let runs = try JSONSerialization.jsonObject(with: Data(try cli.run(["runs", "list", "--json"]).stdout.utf8)) as? [Any]
        #expect(runs?.isEmpty == true, "nothing submitted")
    }

    /// `flowrun run > file` then a kill: the "submitted" line is already in the file.
    @Test func theSubmittedLineIsWrittenAtOnce() throws {
        let cli = try CLI()
        try cli.write("workflows/slow.yaml", Self.slow)
        let (process, out, err) = try cli.start(["run", "slow"])
        _ = ReadAll(err)
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let fd = out.fileHandleForReading.fileDescriptor
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline, !text.contains("submitted") {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { text += String(decoding: buffer[0..<n], as: UTF8.self) } else { usleep(20_000) }
        }
        #expect(text.contains("submitted"), "stdout while the step runs: \(text)")
        #expect(process.isRunning, "the line came before the run ended")
    }

    @Test func runsShowHasTimesAndReadableParams() throws {
        let cli = try CLI()
        try cli.write(
            "workflows/hi.yaml",
            """
            name: hi
            version: 1
            params:
              who: { type: string, default: world }
              times: { type: integer, default: 2 }
            inputs:
              data: { type: dataset, required: false }
            steps:
              greet:
                run: echo hi
            """)
        try cli.write("data/inbound/exams.csv", "exam_id,t,v\n1,0,0.5\n")
        #expect(try cli.run(["run", "hi", "--param", "who=lab", "--dataset", "data/inbound/exams.csv"]).status == 0)
        let list = try JSONSerialization.jsonObject(with: Data(try cli.run(["runs", "list", "--json"]).stdout.utf8)) as? [[String: Any]]
        let id = try #require(list?.first?["id"] as? String)
        let show = try cli.run(["runs", "show", id])
        #expect(show.stdout.contains("params: times=2 who=lab"), "\(show.stdout)")
        #expect(
            show.stdout.range(
                of: #"submitted \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, started .* UTC, finished .* UTC \("#, options: .regularExpression)
                != nil, "\(show.stdout)")
        #expect(
            show.stdout.range(of: #"inputs: data=ds-[0-9a-f]{12} \(data/inbound/exams.csv\)"#, options: .regularExpression) != nil,
            "\(show.stdout)")
    }
}
