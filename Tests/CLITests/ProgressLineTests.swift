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
}
