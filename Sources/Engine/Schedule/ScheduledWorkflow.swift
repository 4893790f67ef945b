import FlowSpec
import Foundation

/// A workflow of the workflows folder that has `triggers: schedule:`.
public struct ScheduledWorkflow: Sendable {
    public var name: String
    public var file: URL
    public var schedule: Schedule
}

/// A workflow file the scheduler could not read: its schedule does not run until it is fixed.
public struct ScheduleLoadProblem: Sendable {
    public var file: URL
    public var message: String
}

extension Engine {
    /// Every scheduled workflow of the workflows folder, read now: the scheduler calls this at each
    /// pass, so an edited, added or removed file counts from the next tick on.
    public func scheduledWorkflows() -> (workflows: [ScheduledWorkflow], problems: [ScheduleLoadProblem]) {
        var workflows: [ScheduledWorkflow] = []
        var problems: [ScheduleLoadProblem] = []
        for file in workflowFiles() {
            // Files without the word are not parsed: most workflows have no schedule.
            guard let text = try? String(contentsOf: file, encoding: .utf8), text.contains("schedule") else { continue }
            do {
                let workflow = try loadWorkflow(at: file)
                if let schedule = workflow.schedule {
                    workflows.append(ScheduledWorkflow(name: workflow.name, file: file, schedule: schedule))
                }
            } catch {
                problems.append(ScheduleLoadProblem(file: file, message: ErrorText.describe(error)))
            }
        }
        return (workflows, problems)
    }
}
