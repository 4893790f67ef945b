import ArgumentParser
import FlowSpec
import Foundation

/// `flowrun config`: every setting in force and where it came from, so "which database is this?"
/// has one answer.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the settings in force and where each came from.",
        discussion: """
            Each setting comes from its command-line option, else its environment variable, else the \
            project's flowrun.yaml, else the default. The project is the nearest folder upward holding \
            flowrun.yaml, or both workflows/ and data/. The API token is never read from flowrun.yaml.
            """)

    @OptionGroup var output: OutputOptions

    struct Row: Encodable {
        let setting: String
        let value: String?
        let source: String
        let environment: String
    }

    struct Report: Encodable {
        let project: String?
        let projectFile: String?
        let settings: [Row]
    }

    func run() async throws {
        try await reportingErrors {
            let settings = try Settings.current()
            var rows: [Row] = []
            for key in ProjectFile.Key.allCases {
                let row: Row
                switch key {
                case .data, .workflows:
                    let path = settings.path(key)
                    row = Row(setting: key.rawValue, value: path.url.path, source: path.source, environment: key.environment)
                case .allowedRoots:
                    let roots = settings.allowedRoots()
                    row = Row(
                        setting: key.rawValue, value: roots.urls.map(\.path).joined(separator: ":"), source: roots.source,
                        environment: key.environment)
                case .database:
                    let resolved = settings.resolve(key)
                    let url = try GlobalOptions.parse([]).databaseURL()
                    row = Row(
                        setting: key.rawValue, value: Self.redacted(url),
                        source: resolved.value == nil ? "default (<data>/flowrun.sqlite)" : resolved.source, environment: key.environment)
                default:
                    let resolved = settings.resolve(key)
                    row = Row(setting: key.rawValue, value: resolved.value, source: resolved.source, environment: key.environment)
                }
                rows.append(row)
            }
            let token = settings.environment["FLOWRUN_API_TOKEN"].map { $0.isEmpty ? "(empty: serve makes one)" : "(set)" }
            rows.append(
                Row(
                    setting: "api_token", value: token ?? "(serve keeps one in <data>/api-token)",
                    source: token == nil ? "default" : "env FLOWRUN_API_TOKEN", environment: "FLOWRUN_API_TOKEN"))
            let report = Report(project: settings.project?.folder.path, projectFile: settings.project?.file?.path, settings: rows)
            if output.json {
                print(try JSONOutput.encode(report))
                return
            }
            if let project = settings.project {
                print(
                    "project: \(project.folder.path)"
                        + (project.file == nil ? " (workflows/ + data/; no flowrun.yaml)" : " (\(Settings.fileName))"))
            } else {
                print("project: none (" + settings.noProjectMessage.replacingOccurrences(of: "no flowrun project here (", with: ""))
            }
            print(
                TextTable(
                    header: ["SETTING", "VALUE", "FROM", "ENV"],
                    rows: rows.map { [$0.setting, $0.value ?? "-", $0.source, $0.environment] }
                ).render())
        }
    }

    /// A database URL without its password.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
