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
            if attempt.process == nil {
                await stopUnrecordedProcesses(of: attempt)
                continue
            }
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
            let message: String
            if kill(-group, SIGKILL) == 0 {
                message =
                    "\(key.stepID) attempt \(key.attempt): killed process group \(group) (program pid \(process.pid)) that \(attempt.worker) left running"
            } else {
                message =
                    "\(key.stepID) attempt \(key.attempt): cannot kill process group \(group) (program pid \(process.pid)) that \(attempt.worker) left running: \(String(cString: strerror(errno)))"
            }
            await noteKilled(message, key: key)
        }
    }

    /// An attempt taken back before its program's pid was recorded (its worker froze, or died, right
    /// after starting it): the program is found on this machine by the markers every `run:` step's
    /// environment carries (`FLOWRUN_RUN_ID`, `FLOWRUN_STEP`, `FLOWRUN_ATTEMPT`: CommandStep.swift),
    /// and its process group killed. Without this the old program ran on beside the new attempt.
    func stopUnrecordedProcesses(of attempt: TakenBackAttempt) async {
        let key = attempt.key
        let markers = ["FLOWRUN_RUN_ID": key.runID, "FLOWRUN_STEP": key.stepID, "FLOWRUN_ATTEMPT": String(key.attempt)]
        for group in ProcessTable.processGroups(withEnvironment: markers).sorted() {
            let what =
                "process group \(group) (found by its FLOWRUN_ variables: its pid was never recorded) that \(attempt.worker) left running"
            let message =
                kill(-group, SIGKILL) == 0
                ? "\(key.stepID) attempt \(key.attempt): killed \(what)"
                : "\(key.stepID) attempt \(key.attempt): cannot kill \(what): \(String(cString: strerror(errno)))"
            await noteKilled(message, key: key)
        }
    }

    private func noteKilled(_ message: String, key: StepAttemptKey) async {
        let now = clock.now()
        RunLog.note(message, run: key.runID, at: now, layout: layout)
        do {
            try await store.appendEvent(runID: key.runID, stepID: key.stepID, kind: "process_killed", message: message, at: now)
        } catch {
            RunLog.note("cannot record the event '\(message)': \(error)", run: key.runID, at: now, layout: layout)
        }
    }
}
