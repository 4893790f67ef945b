import ServiceLifecycle

/// Runs `body` in a task of its own until it returns, and cancels it when the surrounding task is
/// cancelled or graceful shutdown begins: the one shutdown path of the services whose loops stop
/// by cancellation (the watcher, the scheduler).
func runCancelledAtShutdown(_ body: @escaping @Sendable () async -> Void) async {
    let task = Task { await body() }
    await withGracefulShutdownHandler {
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
    } onGracefulShutdown: {
        task.cancel()
    }
}
