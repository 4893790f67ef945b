import Logging
import ServiceLifecycle

/// Runs long-lived services (workers, watchers) until SIGTERM or SIGINT, then shuts them down
/// gracefully in reverse order — the one shutdown path of `worker` and `watch`, the same
/// swift-service-lifecycle group `serve` runs its server in: the watcher stops taking files first,
/// then a worker drains (stops claiming, lets running steps finish for its grace, then stops them).
func runUntilSignalled(_ services: [any Service]) async throws {
    let logger = Logger(label: "flowrun.services")
    let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}
