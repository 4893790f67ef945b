import Foundation
import Testing

/// Slots, pools and priorities as a user types them, with the built binary and a real SQLite file:
/// `pools set|list|unset`, `pools:` in flowrun.yaml, the unlimited-pool warning, `--slots` and the
/// refusal of a `cpu:` above them, `--concurrency`'s notice, `--priority`, and `runs show`'s
/// waiting reason.
@Suite struct SlotsPoolsCommandTests {
    static let workflow = """
        name: pooled
        version: 1
        steps:
          a: { uses: noop, pool: gpu }
          big: { uses: noop, cpu: 3 }
        """

    @Test func poolsSlotsPriorityFromTheCommandLine() throws {
        let cli = try CLI()
        try cli.write("workflows/pooled.yaml", Self.workflow)
        try cli.write("data/.keep", "")

        // A pool without a limit: the run goes, with a warning naming the place.
        let unlimited = try cli.run(["run", "pooled", "--detach"])
        #expect(unlimited.status == 0, "\(unlimited.stderr)")
        #expect(
            unlimited.stderr.contains("workflows/pooled.yaml:4:26: warning: steps.a.pool: pool 'gpu' has no limit"), "\(unlimited.stderr)")
        // Detached, nothing runs it: runs show says why each step waits.
        let show = try cli.run(["runs", "show", "latest"])
        #expect(show.stdout.contains("no live worker"), "\(show.stdout)")

        #expect(try cli.run(["pools", "set", "gpu", "2"]).stdout == "pool gpu: at most 2 step(s) at once\n")
        let bad = try cli.run(["pools", "set", "g p u", "2"])
        #expect(bad.status == 2 && bad.stderr.contains("a pool name uses letters"))
        let listed = try JSONSerialization.jsonObject(with: Data(try cli.run(["pools", "list", "--json"]).stdout.utf8)) as? [[String: Any]]
        #expect(listed?.first?["name"] as? String == "gpu" && listed?.first?["limit"] as? Int == 2)
        #expect(listed?.first?["waiting"] as? Int == 1)

        // Too few slots for `cpu: 3`: refused before anything is written, with the place.
        let refused = try cli.run(["run", "pooled", "--slots", "2"])
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains("workflows/pooled.yaml:5:27: error: steps.big.cpu: asks for 3 slots, more than any worker has (2)"),
            "\(refused.stderr)")
        let ran = try cli.run(["run", "pooled", "--concurrency", "4", "--priority", "5"])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stderr.contains("--concurrency is deprecated; it now sets --slots (4)"))
        #expect(!ran.stderr.contains("has no limit"))

        // flowrun.yaml's pools: are applied when run starts.
        try cli.write("flowrun.yaml", "pools:\n  gpu: 1\n  licenses: 3\n")
        #expect(try cli.run(["run", "pooled"]).status == 0)
        let table = try cli.run(["pools"]).stdout
        #expect(table.contains("gpu       1") && table.contains("licenses  3"), "\(table)")
        try cli.write("flowrun.yaml", "")
        #expect(try cli.run(["pools", "unset", "licenses"]).stdout == "pool licenses: no limit\n")
        #expect(try cli.run(["pools", "unset", "licenses"]).status == 2)
    }
}
