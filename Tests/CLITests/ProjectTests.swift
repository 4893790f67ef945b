import Foundation
import Testing

/// How flowrun finds its project (as git finds its repository), what a read-only command does where
/// there is none, `flowrun init` and `flowrun config`: real processes in real folders.
@Suite struct ProjectTests {
    static let hello = """
        name: hello
        version: 1
        steps:
          greet:
            run: echo hello
        """

    /// A scratch folder with no project in it or above it (the system's temporary folder has none).
    static func bareFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-bare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aSubfolderUsesTheProjectAbove() throws {
        let cli = try CLI()
        try cli.write("flowrun.yaml", "data: store\nworkflows: flows\n")
        try cli.write("flows/hello.yaml", Self.hello)
        let deep = cli.directory.appendingPathComponent("notes/2026/nov")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        let run = try cli.run(["run", "hello"], in: deep)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("store/flowrun.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: deep.appendingPathComponent("data").path), "no data folder where the command ran")
        let list = try cli.run(["runs", "list", "--json"], in: deep)
        let runs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(runs?.count == 1)
    }

    @Test func outsideAnyProjectAReadIsRefusedAndCreatesNothing() throws {
        let bare = try Self.bareFolder()
        let cli = try CLI()
        for arguments in [["runs", "list"], ["runs", "show", "r1"], ["datasets", "list"]] {
            let result = try cli.run(arguments, in: bare)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("no flowrun project here (looked in \(bare.path) and its"), "\(result.stderr)")
            #expect(result.stderr.contains("run `flowrun init` or set FLOWRUN_DATA"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: bare.path).isEmpty, "nothing created")
    }

    @Test func aProjectWithNoHistoryYetListsNothingAndCreatesNoDatabase() throws {
        let cli = try CLI()
        let list = try cli.run(["runs", "list", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.isEmpty == true, "\(list.stdout)")
        let show = try cli.run(["runs", "show", "nope"])
        #expect(show.status == 2)
        #expect(show.stderr.contains("run 'nope' not found"))
        #expect(!FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("data/flowrun.sqlite").path))
    }

    @Test func initMakesAProjectThatRunsAndRefusesASecondInit() throws {
        let bare = try Self.bareFolder()
        let cli = try CLI()
        let made = try cli.run(["init", "lab"], in: bare)
        #expect(made.status == 0, "\(made.stderr)")
        let project = bare.appendingPathComponent("lab")
        for path in ["flowrun.yaml", "workflows/hello.yaml", "data/inbound"] {
            #expect(FileManager.default.fileExists(atPath: project.appendingPathComponent(path).path), "\(path)")
        }
        #expect(try cli.run(["validate"], in: project).status == 0)
        let run = try cli.run(["run", "hello"], in: project)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("hello, world") || run.stdout.contains("succeeded"))
        let again = try cli.run(["init"], in: project)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already a flowrun project"))
    }

    @Test func configSaysWhereEachSettingComesFrom() throws {
        let cli = try CLI()
        try cli.write("flowrun.yaml", "data: store\nserver:\n  port: 9123\n")
        let result = try cli.run(["config", "--json"], environment: ["FLOWRUN_HOST": "0.0.0.0"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(report["settings"] as? [[String: Any]])
        func row(_ name: String) -> [String: Any]? { rows.first { $0["setting"] as? String == name } }
        #expect(row("data")?["source"] as? String == "flowrun.yaml:1:7")
        #expect(row("data")?["value"] as? String == cli.directory.appendingPathComponent("store").standardizedFileURL.path)
        #expect(row("server.port")?["source"] as? String == "flowrun.yaml:3:9")
        #expect(row("server.port")?["value"] as? String == "9123")
        #expect(row("server.host")?["source"] as? String == "env FLOWRUN_HOST")
        #expect(row("log.level")?["source"] as? String == "default")
        #expect(row("workflows")?["value"] as? String == cli.directory.appendingPathComponent("workflows").standardizedFileURL.path)
    }

    @Test func aBrokenProjectFileIsAnErrorWithItsPlace() throws {
        let cli = try CLI()
        try cli.write("flowrun.yaml", "data: store\nsever:\n  port: 80\n")
        let result = try cli.run(["runs", "list"])
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("flowrun.yaml:2:1: error: settings: unknown key 'sever'; did you mean 'server'?"), "\(result.stderr)")
        try cli.write("flowrun.yaml", "server:\n  port: 70000\n")
        let port = try cli.run(["config"])
        #expect(port.status == 2)
        #expect(port.stderr.contains("flowrun.yaml:2:9: error: server.port: expected a port number (0-65535), got 70000"), "\(port.stderr)")
    }
}
