import ArgumentParser
import FlowSpec
import Foundation
import Steps

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check workflow files and print every problem as file:line:column: error: message.",
        discussion: "Exit codes: 0 no errors (warnings allowed); 1 at least one error; 2 no such file.")

    @Argument(help: "Workflow files. [default: workflows/*.yaml]")
    var files: [String] = []

    @Option(help: "text or json.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Print the resolved plan of one file: steps in order, needs, retries, timeouts.", valueName: "file"))
    var explain: String?

    enum Format: String, ExpressibleByArgument {
        case text, json
    }

    func run() async throws {
        let registry = StepRegistry.builtIn()
        if let explain {
            let (workflow, diagnostics) = WorkflowLoader.load(
                contentsOf: URL(fileURLWithPath: explain), knownSteps: registry.names, displayPath: explain)
            diagnostics.forEach { print($0) }
            guard let workflow else { throw ExitCode(1) }
            print(Self.plan(workflow))
            return
        }
        var paths = files
        if paths.isEmpty {
            let settings = try Settings.current()
            let folder = settings.path(.workflows).url
            paths = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { settings.displayPath(folder.appendingPathComponent($0)) }
        }
        var all: [SpecDiagnostic] = []
        for path in paths {
            guard FileManager.default.fileExists(atPath: path) else {
                printError("\(path): no such file")
                throw ExitCode(2)
            }
            all += WorkflowLoader.load(contentsOf: URL(fileURLWithPath: path), knownSteps: registry.names, displayPath: path).diagnostics
        }
        switch format {
        case .json:
            print(try JSONOutput.encode(all))
        case .text:
            all.forEach { print($0) }
            let errors = all.filter { $0.severity == .error }.count
            let summary = "\(paths.count) file(s): \(errors) error(s), \(all.count - errors) warning(s)"
            var stderr = StandardError()
            print(summary, to: &stderr)
        }
        if all.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }

    static func plan(_ workflow: Workflow) -> String {
        var lines = ["\(workflow.name) (version \(workflow.version)): \(workflow.description)"]
        if !workflow.params.isEmpty {
            lines.append("params:")
            for p in workflow.params {
                lines.append(
                    "  \(p.name): \(p.type.rawValue) = \(p.defaultValue?.jsonText ?? "(required)")"
                        + (p.allowed.map { " one of \($0.map(\.jsonText).joined(separator: ", "))" } ?? ""))
            }
        }
        lines.append("steps in order:")
        for (i, step) in workflow.topologicalOrder().enumerated() {
            let what: String
            switch step.action {
            case .uses(let name): what = "uses \(name)"
            case .run(.shell(let s)): what = "run \(s.count > 50 ? String(s.prefix(50)) + "…" : s)"
            case .run(.argv(let a)): what = "run \(a.joined(separator: " "))"
            }
            var retry = "retries \(step.retry.maxRetries)"
            if step.retry.maxRetries > 0 {
                retry +=
                    " (\(step.retry.backoff.rawValue), delay \(DurationText.format(step.retry.delay))"
                    + (step.retry.maxDelay.map { ", max \(DurationText.format($0))" } ?? "") + ")"
            }
            lines.append("  \(i + 1). \(step.id): \(what)")
            lines.append(
                "     needs: \(step.needs.isEmpty ? "-" : step.needs.joined(separator: ", ")); \(retry); timeout \(step.timeout.map { DurationText.format($0) } ?? "none")"
                    + (step.condition.map { "; if \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
