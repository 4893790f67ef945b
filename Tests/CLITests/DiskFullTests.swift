import Foundation
import Testing

/// The data root's disk fills up under a working worker: a new command fails naming the disk and
/// its free space; the worker keeps the finished step's result and says why it cannot write it;
/// once space is freed the run completes with every step run once. The disk is a real 8 MB tmpfs
/// mounted over the data root (root only: the CI runs as root; elsewhere the suite is skipped).
@Suite(.serialized, .enabled(if: getuid() == 0, "mounting a small tmpfs needs root (the CI runs as root)"))
struct DiskFullTests {
    static func gated(_ folder: URL) -> String {
        """
        version: 1
        name: gated
        steps:
          work:
            run: echo start >> \(folder.path)/trace; while [ ! -f \(folder.path)/go ]; do sleep 0.05; done; echo end >> \(folder.path)/trace
          after:
            run: echo after >> \(folder.path)/trace
            needs: [work]
        """
    }

    static let hello = """
        version: 1
        name: hello
        steps:
          say:
            run: echo hello
        """

    @Test func aFullDiskIsNamedAndNothingIsLost() throws {
        let cli = try CLI()
        let data = cli.directory.appendingPathComponent("data")
        let scratch = cli.directory.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        guard runShell("mount -t tmpfs -o size=8m tmpfs '\(data.path)'") == 0 else {
            throw CLITestError("cannot mount a tmpfs over \(data.path)")
        }
        defer { _ = runShell("umount -l '\(data.path)'") }
        try FileManager.default.createDirectory(at: data.appendingPathComponent("inbound"), withIntermediateDirectories: true)
        try cli.write("workflows/hello.yaml", Self.hello)
        try cli.write("workflows/gated.yaml", Self.gated(scratch))
        #expect(try cli.run(["run", "hello"], timeout: 120).status == 0)

        let (worker, _, err) = try cli.start(["worker", "--lease", "30"])
        let log = OutputTail(err)
        defer {
            kill(worker.processIdentifier, SIGTERM)
            worker.waitUntilExit()
        }
        let submitted = try cli.run(["run", "gated", "--detach"], timeout: 60)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        try waitFor(60, "the first step to start") { trace(scratch).contains("start") }

        // Full: not one byte left on the data root's disk.
        _ = runShell("dd if=/dev/zero of='\(data.path)/filler' bs=64k 2>/dev/null")
        let refused = try cli.run(["run", "hello"], timeout: 60)
        #expect(refused.status != 0, "a submit on a full disk reported success")
        #expect(refused.stderr.contains("the disk holding \(data.path) is full, 0 bytes free"), "\(refused.stderr)")

        // The step ends while the disk is full: its result waits in the worker, which says why.
        FileManager.default.createFile(atPath: scratch.appendingPathComponent("go").path, contents: Data())
        try waitFor(60, "the worker to log the full disk") { log.text.contains("is full, 0 bytes free") }
        #expect(!trace(scratch).contains("after"), "the dependent ran while its upstream's success was not recorded")

        try FileManager.default.removeItem(at: data.appendingPathComponent("filler"))
        try waitFor(60, "the run to succeed once space is back") {
            let list = try cli.run(["runs", "list", "--json"], timeout: 60)
            let runs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
            return runs.first { $0["workflow"] as? String == "gated" }?["state"] as? String == "succeeded"
        }
        #expect(trace(scratch).split(separator: "\n") == ["start", "end", "after"], "every step ran once: \(trace(scratch))")
    }

    func trace(_ folder: URL) -> String {
        (try? String(contentsOf: folder.appendingPathComponent("trace"), encoding: .utf8)) ?? ""
    }
}
