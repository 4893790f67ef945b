import Foundation
import Testing

/// `flowrun run`'s live progress names a failure's cause (issue 17): the failed step's line carries
/// the last line its attempt wrote before the error, which alone says only "exited with status 7".
@Suite struct ProgressLineTests {
    @Test func aFailedStepsLineShowsTheLastLineItWrote() throws {
        let cli = try CLI()
        try cli.write(
            "workflows/fails.yaml",
            """
            name: fails
            version: 1
            steps:
              boom:
                run: |
                  echo "reading exams.csv"
                  echo "  ValueError: column 'x' is empty  " >&2
                  exit 7
                retries: 0
            """)
        let result = try cli.run(["run", "fails"])
        #expect(result.status == 1)
        // Piped, the progress prints a line per change; the failed one names the cause, trimmed.
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("✗ boom") && $0.contains("failed") })
        #expect(line.hasSuffix("— ValueError: column 'x' is empty · /bin/sh exited with status 7"), "\(line)")

        // A step that wrote nothing shows its error alone.
        try cli.write("workflows/silent.yaml", "name: silent\nversion: 1\nsteps:\n  quiet:\n    run: exit 4\n    retries: 0\n")
        let silent = try cli.run(["run", "silent"])
        #expect(silent.status == 1)
        let quiet = try #require(silent.stdout.split(separator: "\n").first { $0.hasPrefix("✗ quiet") && $0.contains("failed") })
        #expect(quiet.hasSuffix("— /bin/sh exited with status 4"), "\(quiet)")
    }

    /// A ready step held back says why on its line: here its pool, full with another run's step.
    @Test func aStepWaitingForItsPoolSaysSo() throws {
        let cli = try CLI()
        let release = cli.directory.appendingPathComponent("release")
        let holding = cli.directory.appendingPathComponent("holding")
        try cli.write(
            "workflows/holder.yaml",
            """
            name: holder
            version: 1
            steps:
              hold:
                pool: gpu
                run: touch '\(holding.path)'; while [ ! -f '\(release.path)' ]; do sleep 0.05; done
            """)
        try cli.write("workflows/user.yaml", "name: user\nversion: 1\nsteps:\n  use:\n    pool: gpu\n    run: echo used\n")
        #expect(try cli.run(["pools", "set", "gpu", "1"], timeout: 60).status == 0)
        let holder = try cli.run(["run", "holder", "--detach"], timeout: 60)
        #expect(holder.status == 0, "\(holder.stderr)")
        let (worker, _, _) = try cli.start(["worker"])
        defer {
            kill(worker.processIdentifier, SIGTERM)
            worker.waitUntilExit()
        }
        try waitFor(60, "the holder's step to run") { FileManager.default.fileExists(atPath: holding.path) }
        let holderID = try #require(
            (try JSONSerialization.jsonObject(with: Data(try cli.run(["runs", "list", "--json"], timeout: 60).stdout.utf8))
                as? [[String: Any]])?.first?["id"] as? String)

        let (user, out, _) = try cli.start(["run", "user"])
        let progress = OutputTail(out)
        try waitFor(60, "the waiting reason in the progress") { progress.text.contains("waiting for pool gpu") }
        FileManager.default.createFile(atPath: release.path, contents: Data())
        user.waitUntilExit()
        #expect(user.terminationStatus == 0)
        let line = try #require(progress.text.split(separator: "\n").first { $0.contains("waiting for pool gpu") })
        #expect(
            line.hasPrefix("○ use") && line.hasSuffix("ready  — waiting for pool gpu (1/1 in use by run \(holderID) step hold)"), "\(line)")
    }
}
