import ServiceLifecycle

/// The scheduler as a `Service` (`serve` by default, `worker --scheduler`): starts due scheduled
/// runs and releases backfill groups until graceful shutdown. Stopping loses nothing: ticks that
/// come while no scheduler runs are caught up at the next start, per `catchup:`.
public struct SchedulerService: Service {
    public let scheduler: Scheduler

    public init(scheduler: Scheduler) { self.scheduler = scheduler }

    public func run() async throws {
        let scheduler = self.scheduler
        await runCancelledAtShutdown { await scheduler.run() }
    }
}
