import Foundation
import Steps
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// The programs attempts start: recorded when they start, stopped when their step is taken back.
extension Engine {
    /// Records the program an attempt started. A write that fails is a warning in the attempt's
    /// log, never the attempt's failure: the program runs either way.
    func recordProcess(_ started: StartedProcess, of key: StepAttemptKey, worker: String, log: LogFile) async {
        let process = AttemptProcess(
            machine: .local, pid: started.pid, processGroup: started.processGroup,
            leaderStartTicks: started.leaderStartTicks)
        do {
            if try await store.recordAttemptProcess(key, worker: worker, process: process) == false {
                log.write(
                    "warning: cannot record pid \(started.pid): the store has no attempt \(key.attempt) by \(worker)", at: clock.now())
            }
        } catch {
            log.write("warning: cannot record pid \(started.pid) (process group \(started.processGroup)): \(error)", at: clock.now())
        }
    }

    /// Kills the process groups that taken-back attempts left running on this machine, so a step
    /// never runs twice at once here. Only this machine's: another host's group cannot be reached
    /// from here, and needs not be — its guard killed it when its engine died, and an engine that
    /// lives on but lost its lease stops the step at its next heartbeat.
    ///
    /// A group is killed only when it is certainly the recorded one: same host, boot and pid
    /// namespace, and either its leader is the very process recorded (same start time) or its
    /// leader is gone while the group lives on (then the number cannot have been reused).
    func stopLeftoverProcesses(of attempts: [TakenBackAttempt], machine: Machine = .local) async {
        for attempt in attempts {
            guard let process = attempt.process, process.machine == machine,
                ProcessTable.groupExists(process.processGroup)
            else { continue }
            let key = attempt.key
            let group = process.processGroup
            if let leaderNow = ProcessTable.startTicks(of: group) {
                guard let recorded = process.leaderStartTicks, recorded == leaderNow else {
                    // The number now belongs to a process started since (or the record lacks the time).
                    continue
                }
            }
            let now = clock.now()
            let message: String
            if kill(-group, SIGKILL) == 0 {
                message =
                    "\(key.stepID) attempt \(key.attempt): killed process group \(group) (program pid \(process.pid)) that \(attempt.worker) left running"
            } else {
                message =
                    "\(key.stepID) attempt \(key.attempt): cannot kill process group \(group) (program pid \(process.pid)) that \(attempt.worker) left running: \(String(cString: strerror(errno)))"
            }
            RunLog.note(message, run: key.runID, at: now, layout: layout)
            do {
                try await store.appendEvent(runID: key.runID, stepID: key.stepID, kind: "process_killed", message: message, at: now)
            } catch {
                RunLog.note("cannot record the event '\(message)': \(error)", run: key.runID, at: now, layout: layout)
            }
        }
    }
}
