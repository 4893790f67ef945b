import Foundation
import Testing

/// `flowrun backfill` and `flowrun schedules` as a user types them, with the built binary and a real
/// SQLite file: a backfill over three registered exams runs each once (two at a time), a command step
/// really reading each dataset; the group can be shown; the schedule is listed.
@Suite struct BackfillCommandTests {
    static let workflow = """
        name: per-exam
        version: 1
        params:
          model_type: random_forest
        inputs:
          dataset: dataset
        steps:
          count:
            run: echo "$(basename ${{ inputs.dataset.path }}) ${{ params.model_type }}" >> $FLOWRUN_DATA/seen.txt
        """

    @Test func aBackfillRunsEachMatchingDatasetOnce() throws {
        let cli = try CLI()
        try cli.write("workflows/per-exam.yaml", Self.workflow)
        for name in ["exam-2025-01.csv", "exam-2025-02.csv", "exam-2025-03.csv", "other.csv"] {
            try cli.write("data/\(name)", "exam_id,t,value\n\(name),0,1\n\(name),1,2\n")
            let added = try cli.run(["datasets", "add", "data/\(name)"])
            #expect(added.status == 0, "\(added.stderr)")
        }
        let result = try cli.run([
            "backfill", "per-exam", "--datasets", "exam-2025-*", "--param", "model_type=xgboost",
            "--max-parallel", "2", "--wait",
        ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("on 3 dataset(s), at most 2 at once"), "\(result.stdout)")
        #expect(result.stdout.contains("3 succeeded, 0 waiting"), "\(result.stdout)")
        let seen = try String(contentsOf: cli.directory.appendingPathComponent("data/seen.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init).sorted()
        #expect(seen == ["exam-2025-01.csv xgboost", "exam-2025-02.csv xgboost", "exam-2025-03.csv xgboost"])

        let group = try #require(result.stdout.split(separator: " ").first { $0.hasPrefix("grp-") }.map(String.init))
        let show = try cli.run(["backfill", "show", group])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.split(separator: "\n").filter { $0.contains("succeeded") }.count == 4, "\(show.stdout)")

        let none = try cli.run(["backfill", "per-exam", "--datasets", "nothing-*"])
        #expect(none.status == 2)
        #expect(none.stderr.contains("no registered dataset matches (datasets nothing-*)"), "\(none.stderr)")
        let missing = try cli.run(["backfill", "pause", "grp-nope"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("group 'grp-nope' not found"))
    }

    static let nightly = """
        name: nightly
        version: 1
        triggers:
          schedule: { cron: "0 2 * * *", timezone: Europe/Berlin, catchup: last, overlap: skip }
        steps:
          a:
            uses: noop
        """

    @Test func schedulesListsTheNextTick() throws {
        let cli = try CLI()
        try cli.write("workflows/nightly.yaml", Self.nightly)
        let result = try cli.run(["schedules", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["cron"] as? String == "0 2 * * *")
        #expect(rows.first?["timezone"] as? String == "Europe/Berlin")
        // 02:00 in Berlin is 01:00 or 00:00 UTC, by the season.
        let next = try #require(rows.first?["next_tick"] as? String)
        #expect(next.hasSuffix("T01:00:00Z") || next.hasSuffix("T00:00:00Z"), "\(next)")
        let table = try cli.run(["schedules"])
        #expect(table.stdout.contains("nightly") && table.stdout.contains("Europe/Berlin"))
    }
}
