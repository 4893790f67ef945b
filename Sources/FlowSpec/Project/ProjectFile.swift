import Foundation

/// A project's settings file, `flowrun.yaml`: where its data, workflows and database are, and how its
/// server and logs are set up. Every key mirrors an environment variable (``Key/environment``); the
/// command line and the environment win over the file, the file over the defaults.
///
/// ```yaml
/// data: data                  # FLOWRUN_DATA
/// workflows: workflows        # FLOWRUN_WORKFLOWS
/// database: postgres://flowrun@db/flowrun   # DATABASE_URL
/// allowed_roots: [/mnt/nas/exams]           # FLOWRUN_ALLOWED_ROOTS
/// server: { host: 127.0.0.1, port: 8080, public_url: https://flowrun.lab.example }
/// log: { level: info, format: text }
/// ```
/// Secrets (the API token, webhook secrets) are never read from this file: it is meant to be committed.
public struct ProjectFile: Sendable, Equatable {
    /// The settings a project file may hold, named as they are written (`server.port`).
    public enum Key: String, Sendable, CaseIterable {
        case data, workflows, database
        case allowedRoots = "allowed_roots"
        case serverHost = "server.host"
        case serverPort = "server.port"
        case serverPublicURL = "server.public_url"
        case logLevel = "log.level"
        case logFormat = "log.format"

        /// The environment variable that sets the same thing.
        public var environment: String {
            switch self {
            case .data: "FLOWRUN_DATA"
            case .workflows: "FLOWRUN_WORKFLOWS"
            case .database: "DATABASE_URL"
            case .allowedRoots: "FLOWRUN_ALLOWED_ROOTS"
            case .serverHost: "FLOWRUN_HOST"
            case .serverPort: "FLOWRUN_PORT"
            case .serverPublicURL: "FLOWRUN_PUBLIC_URL"
            case .logLevel: "FLOWRUN_LOG_LEVEL"
            case .logFormat: "FLOWRUN_LOG_FORMAT"
            }
        }

        /// Keys whose values are paths, resolved against the project file's folder.
        public var isPath: Bool { self == .data || self == .workflows || self == .allowedRoots }
    }

    /// One value and where it was written.
    public struct Entry: Sendable, Equatable {
        /// The text as written; `allowed_roots` joins its list with ":" as its environment variable does.
        public var value: String
        public var line: Int
        public var column: Int

        public init(value: String, line: Int, column: Int) {
            self.value = value
            self.line = line
            self.column = column
        }
    }

    public var entries: [Key: Entry]
    /// `notify:` — the default for workflows that have none of their own (docs/scheduling.md).
    public var notify: [NotifyRule] = []

    /// `pools:` — pool name → its limit (ProjectFile+Pools.swift).
    public var pools: [String: Int] = [:]

    public init(entries: [Key: Entry] = [:]) {
        self.entries = entries
    }

    public subscript(key: Key) -> Entry? { entries[key] }

    static let topKeys = ["data", "workflows", "database", "allowed_roots", "server", "log", "notify", "pools"]
    static let serverKeys = ["host", "port", "public_url"]
    static let logKeys = ["level", "format"]

    /// Parses and checks `yaml`; `file` names it in the diagnostics. `project` is nil when any of them
    /// is an error. An empty file is a project with every default.
    public static func load(yaml: String, file: String) -> (project: ProjectFile?, diagnostics: [SpecDiagnostic]) {
        func finish(_ drafts: [SpecDiagnosticDraft], _ project: ProjectFile?) -> (ProjectFile?, [SpecDiagnostic]) {
            let diagnostics =
                drafts
                .map { SpecDiagnostic(file: file, line: $0.mark.line, column: $0.mark.column, severity: $0.severity, message: $0.message) }
                .sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            return (diagnostics.contains { $0.severity == .error } ? nil : project, diagnostics)
        }
        if let problem = WorkflowLoader.precheck(yaml) { return finish([problem], nil) }
        let root: YAMLNode?
        let duplicates: [SpecDiagnosticDraft]
        do { (root, duplicates) = try YAMLComposer.compose(yaml) } catch {
            return finish([SpecDiagnosticDraft(mark: error.mark, message: error.message)], nil)
        }
        guard let root, !(root.text.map { YAMLNode.plainValue($0) == .null } ?? false) else {
            return finish(duplicates, ProjectFile())
        }
        var reader = NodeReader()
        reader.append(duplicates)
        var project = ProjectFile()
        func entry(_ node: YAMLNode, _ value: String) -> Entry {
            Entry(value: value, line: node.mark.line, column: node.mark.column)
        }
        func text(_ node: YAMLNode, _ key: Key) {
            if let value = reader.string(node, key.rawValue) { project.entries[key] = entry(node, value) }
        }
        guard let top = reader.mapping(root, "settings", allowed: topKeys) else { return finish(reader.diagnostics, nil) }
        for field in top {
            switch field.key {
            case "data": text(field.value, .data)
            case "workflows": text(field.value, .workflows)
            case "database": text(field.value, .database)
            case "notify": project.notify = NotifyDecoding.rules(field.value, "notify", reader: &reader)
            case "pools": project.pools = decodePools(field.value, reader: &reader)
            case "allowed_roots":
                if let roots = reader.strings(field.value, "allowed_roots") {
                    for (root, _) in roots where root.contains(":") {
                        reader.error(field.value.mark, "allowed_roots: '\(root)' holds ':', which separates roots in FLOWRUN_ALLOWED_ROOTS")
                    }
                    project.entries[.allowedRoots] = entry(field.value, roots.map(\.0).joined(separator: ":"))
                }
            case "server":
                for pair in reader.mapping(field.value, "server", allowed: serverKeys) ?? [] {
                    switch pair.key {
                    case "host": text(pair.value, .serverHost)
                    case "port":
                        if let port = reader.integer(pair.value, "server.port") {
                            if port > 65535 {
                                reader.error(pair.value.mark, "server.port: expected a port number (0-65535), got \(port)")
                            } else {
                                project.entries[.serverPort] = entry(pair.value, String(port))
                            }
                        }
                    default: text(pair.value, .serverPublicURL)
                    }
                }
            default:
                for pair in reader.mapping(field.value, "log", allowed: logKeys) ?? [] {
                    text(pair.value, pair.key == "level" ? .logLevel : .logFormat)
                }
            }
        }
        return finish(reader.diagnostics, project)
    }
}
