import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Calls `handler` once on the first SIGTERM or SIGINT (instead of dying), so a worker can finish
/// or release what it holds. Keep the returned sources alive for as long as the handler should work.
func onTermination(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
    [SIGTERM, SIGINT].map { signalNumber in
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
        return source
    }
}
