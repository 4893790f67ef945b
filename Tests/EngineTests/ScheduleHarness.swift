import Engine
import Foundation
import Logging
import Steps
import Store
import TestSupport

/// A data root, a workflows folder, a real store and a manual clock, keeping the database's URL
/// so that a second engine (another process's view) can open the same database.
struct ScheduleHarness {
    let root: URL
    let clock = ManualClock()
    let url: String
    let engine: Engine
    let store: any Store

    init(database: TestDatabase = .sqlite) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-schedule-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("workflows"), withIntermediateDirectories: true)
        let layout = DataLayout(root: root.appendingPathComponent("data"))
        try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        url = try await database.makeURL(in: layout.root)
        store = try await SQLStore.open(url: url, logger: Logger(label: "test"))
        engine = Engine(
            store: store, registry: StepRegistry.builtIn(), layout: layout,
            workflowsDirectory: root.appendingPathComponent("workflows"), clock: clock)
    }

    /// Another engine on the same database, folder and clock, with connections of its own.
    func secondEngine() async throws -> Engine {
        let other = try await SQLStore.open(url: url, logger: Logger(label: "second"))
        return Engine(
            store: other, registry: engine.registry, layout: engine.layout, workflowsDirectory: engine.workflowsDirectory, clock: clock)
    }

    /// Runs one SQL statement on the database behind the engine's back (sqlite3 for a file,
    /// a connection of its own for PostgreSQL): to set up what no engine call makes.
    func sql(_ statement: String) async throws {
        if url.hasPrefix("postgres") {
            try await TestDatabase.execute(statement, url: url)
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [url, statement]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestDatabaseError("sqlite3 failed on: \(statement)") }
    }

    func write(_ name: String, _ yaml: String) throws {
        try yaml.write(to: root.appendingPathComponent("workflows/\(name).yaml"), atomically: true, encoding: .utf8)
    }

    /// A small CSV under the data root, registered as a dataset.
    func dataset(_ name: String, rows: Int = 3) async throws -> DatasetRecord {
        let file = engine.layout.root.appendingPathComponent(name)
        var text = "exam_id,t,value\n"
        for i in 0..<rows { text += "\(name),\(i),\(i * 2)\n" }
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try await engine.registerDataset(path: file.path)
    }
}
