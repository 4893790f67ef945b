import Foundation
import Steps
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// Taking steps back from workers that are gone, and stopping what they left running here.
extension Engine {
    /// Takes back at once the steps held by workers that are certainly gone, instead of waiting for
    /// their leases to expire (a `flowrun run` or `worker` killed with SIGKILL, say), and kills the
    /// process groups they left running on this machine. Every ``Worker`` calls it when it starts.
    ///
    /// A worker is certainly gone when it ran on this machine (host, boot, pid namespace) and its
    /// pid no longer exists; or when it had the name `name` of the worker about to start and ran on
    /// this host in another boot or namespace (a restarted container). Any other worker — on
    /// another host, or recorded by a flowrun that did not record its pid — is left to its leases.
    ///
    /// - Parameter name: the name of the worker about to start in this process.
    @discardableResult
    public func takeBackFromDeadWorkers(replacing name: String?, machine: Machine = .local) async throws -> [TakenBackAttempt] {
        var taken: [TakenBackAttempt] = []
        for worker in try await store.workers(since: .distantPast)
        where Self.isGone(worker, replacing: name, machine: machine, pid: getpid()) {
            let released = try await store.releaseLeases(worker: worker.name, now: clock.now())
            try await store.removeWorker(name: worker.name)
            await stopLeftoverProcesses(of: released, machine: machine)
            taken += released
        }
        return taken
    }

    /// Takes back steps whose leases expired, and stops what they left running on this machine.
    @discardableResult
    func takeBackExpiredLeases(now: Date) async throws -> [TakenBackAttempt] {
        let taken = try await store.recoverExpiredLeases(now: now)
        await stopLeftoverProcesses(of: taken)
        return taken
    }

    /// Whether `worker` is certainly gone, seen from process `pid` on `machine` about to start a
    /// worker named `name`.
    static func isGone(_ worker: WorkerRecord, replacing name: String?, machine: Machine, pid: Int32) -> Bool {
        guard let process = worker.process else { return false }
        if process.machine == machine {
            return process.pid != pid && !ProcessTable.processExists(process.pid)
        }
        // Names are unique among live workers: a row with ours, from this host but another boot or
        // pid namespace, is this worker's former life.
        return worker.name == name && process.machine.host == machine.host
    }
}
