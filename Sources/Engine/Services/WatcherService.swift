import ServiceLifecycle

/// The folder watcher as a `Service` (`flowrun watch`, `serve --watch`): it stops at graceful shutdown
/// (files it has not taken yet are found again at the next start).
public struct WatcherService: Service {
    public let watcher: FolderWatcher

    public init(watcher: FolderWatcher) { self.watcher = watcher }

    public func run() async throws {
        let watcher = self.watcher
        await runCancelledAtShutdown { await watcher.run() }
    }
}
