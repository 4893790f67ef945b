import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import Store

/// The LISTEN connection that wakes idle workers is guarded like every statement
/// (``ReadyListener``): terminated by the server, or silent (its backend stopped, as behind a
/// network that drops packets), it is replaced within a bounded time and notifications arrive
/// again. A real server; the listener's backend is the only one in its fresh database.
@Suite(
    .serialized, .enabled(if: TestDatabase.all.contains(.postgres), "no PostgreSQL: set FLOWRUN_TEST_DATABASE_URL (scripts/with-postgres)"))
struct PostgresListenerTests {
    let url: String
    let database: String

    init() async throws {
        url = try await TestDatabase.postgres.makeURL(in: FileManager.default.temporaryDirectory)
        database = String(URLComponents(string: url)!.path.dropFirst())
    }

    func backend(probeEvery interval: Duration, timeout: Duration) throws -> PostgresBackend {
        PostgresBackend(
            configuration: try PostgresURL.configuration(url), logger: Logger(label: "t"),
            deadlines: .init(call: .seconds(5), listenProbeInterval: interval, listenProbeTimeout: timeout))
    }

    /// The backends of the test's database: the listener's alone (the pool opens no other).
    func listenerPIDs() async throws -> [Int] {
        try await pids(
            "SELECT pid FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
    }

    /// The `pid` column of `sql`, run on a connection of its own.
    func pids(_ sql: String) async throws -> [Int] {
        let components = URLComponents(string: url)!
        let configuration = PostgresConnection.Configuration(
            host: components.host!, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "test-db"))
        defer { Task { try? await connection.close() } }
        var pids: [Int] = []
        for try await pid in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test-db")).decode(Int.self) {
            pids.append(pid)
        }
        return pids
    }

    func notify() async throws {
        try await TestDatabase.execute("SELECT pg_notify('\(PostgresBackend.readyChannel)', '')", url: url)
    }

    @Test func aTerminatedListenerListensAgainOnANewConnection() async throws {
        let backend = try backend(probeEvery: .seconds(60), timeout: .seconds(5))
        defer { backend.closeInBackground() }
        let wakes = Wakes(backend.readyNotifications())
        // Once listening it yields once; a notification then arrives.
        try await until("the first LISTEN") { wakes.count >= 1 }
        let first = try #require(try await listenerPIDs().first)
        try await notify()
        try await until("a notification") { wakes.count >= 2 }

        try await TestDatabase.execute("SELECT pg_terminate_backend(\(first))", url: url)
        // Listening again, on another backend: it yields once more (a notification may have been missed).
        try await until("the LISTEN on a new connection") { wakes.count >= 3 }
        let second = try #require(try await listenerPIDs().first)
        #expect(second != first)
        try await notify()
        try await until("a notification to the new listener") { wakes.count >= 4 }
    }

    /// The listener's backend stops answering without closing the connection (SIGSTOP: what a
    /// network that drops packets looks like). Nothing would end the LISTEN; the guard's probe
    /// misses its deadline, closes the connection and listens on a new one.
    @Test func aSilentListenerIsReplacedAfterItsProbeMissesTheDeadline() async throws {
        let backend = try backend(probeEvery: .seconds(1), timeout: .seconds(1))
        defer { backend.closeInBackground() }
        let wakes = Wakes(backend.readyNotifications())
        try await until("the first LISTEN") { wakes.count >= 1 }
        let silent = try #require(try await listenerPIDs().first)
        #expect(kill(pid_t(silent), SIGSTOP) == 0, "cannot stop the backend \(silent): \(errno)")
        defer { kill(pid_t(silent), SIGCONT) }
        let stopped = ContinuousClock.now

        try await until("the LISTEN on a new connection", seconds: 20) { wakes.count >= 2 }
        // Probe interval + probe deadline + backoff, with room for a loaded machine.
        #expect(ContinuousClock.now - stopped < .seconds(10))
        let replaced = try await listenerPIDs().filter { $0 != silent }
        #expect(replaced.count == 1, "one new listener: \(replaced)")
        try await notify()
        try await until("a notification to the new listener") { wakes.count >= 3 }
    }
}

/// Counts the wake-ups a stream yields.
private final class Wakes: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    private var task: Task<Void, Never>?

    init(_ stream: AsyncStream<Void>) {
        task = Task { [weak self] in
            for await _ in stream { self?.lock.withLock { self?.n += 1 } }
        }
    }

    deinit { task?.cancel() }

    var count: Int { lock.withLock { n } }
}

/// Polls `condition` until it holds or `seconds` pass (then fails the test).
private func until(_ what: String, seconds: Double = 10, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestDatabaseError("gave up waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}
