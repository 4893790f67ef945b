import ServiceLifecycle

/// A worker as a `Service` (`flowrun worker`, and the embedded one of `serve` and `watch`): on graceful shutdown (SIGTERM) it stops
/// claiming, lets running steps finish for up to `grace`, then stops them (their leases hand them
/// to another worker).
public struct WorkerService: Service {
    public let worker: Worker
    public let grace: Duration

    public init(worker: Worker, grace: Duration = .seconds(30)) {
        self.worker = worker
        self.grace = grace
    }

    public func run() async throws {
        let worker = self.worker
        let grace = self.grace
        let work = Task { try await worker.run() }
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await work.value
            } onCancel: {
                work.cancel()
            }
        } onGracefulShutdown: {
            Task {
                await worker.drain()
                try? await Task.sleep(for: grace)
                work.cancel()
            }
        }
    }
}
