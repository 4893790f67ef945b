import FlowSpec
import Foundation

/// The settings in force for this process and where each came from: a command-line option, then
/// its environment variable, then the project's `flowrun.yaml`, then the default. One place decides,
/// so `flowrun config` prints exactly what the other commands use.
struct Settings: Sendable {
    /// A project: the folder it lives in and its settings file, if it has one.
    struct Project: Sendable {
        let folder: URL
        /// `flowrun.yaml`; nil for a folder found by its `workflows/` + `data/` pair.
        let file: URL?
        let settings: ProjectFile
    }

    /// A resolved value and its origin, as `flowrun config` shows it ("--port", "env FLOWRUN_PORT",
    /// "flowrun.yaml:4:9", "default").
    struct Resolved: Sendable {
        let value: String?
        let source: String
        /// What a relative path in `value` is relative to: the working folder for an option or a
        /// variable, the project's folder for the file or a default.
        let base: URL
    }

    /// Each setting's default; nil where there is none (`database`: `<data>/flowrun.sqlite`).
    static func fallback(_ key: ProjectFile.Key) -> String? {
        switch key {
        case .data: "data"
        case .workflows: "workflows"
        case .serverHost: "127.0.0.1"
        case .serverPort: "8080"
        case .logLevel: "info"
        case .logFormat: "text"
        case .database, .allowedRoots, .serverPublicURL: nil
        }
    }

    let project: Project?
    /// The folders searched for a project, nearest first: what a "no project here" message names.
    let searched: [URL]
    let environment: [String: String]
    let workingDirectory: URL

    static let fileName = "flowrun.yaml"

    /// The settings of the current folder, found once per process.
    static func current() throws -> Settings {
        try cached.get()
    }

    private static let cached: Result<Settings, CLIError> = Result { () throws(CLIError) in
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        return try Settings.find(from: cwd, environment: ProcessInfo.processInfo.environment)
    }

    /// Walks up from `start`, as git does, to the nearest folder holding `flowrun.yaml` or, failing
    /// that, both `workflows/` and `data/`. A broken `flowrun.yaml` is an error with file:line:col,
    /// never skipped: a typo must not silently switch projects.
    static func find(from start: URL, environment: [String: String]) throws(CLIError) -> Settings {
        var searched: [URL] = []
        var folder = start
        let files = FileManager.default
        while true {
            searched.append(folder)
            let file = folder.appendingPathComponent(fileName)
            if files.fileExists(atPath: file.path) {
                guard let data = files.contents(atPath: file.path), let text = String(data: data, encoding: .utf8) else {
                    throw CLIError.refused("\(file.path): cannot read the project file (not UTF-8 text?)")
                }
                let (settings, diagnostics) = ProjectFile.load(yaml: text, file: file.path)
                guard let settings else {
                    throw CLIError(
                        message: diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n"), code: 2)
                }
                return Settings(
                    project: Project(folder: folder, file: file, settings: settings), searched: searched,
                    environment: environment, workingDirectory: start)
            }
            var isDirectory: ObjCBool = false
            let hasPair = ["workflows", "data"].allSatisfy {
                files.fileExists(atPath: folder.appendingPathComponent($0).path, isDirectory: &isDirectory) && isDirectory.boolValue
            }
            if hasPair {
                return Settings(
                    project: Project(folder: folder, file: nil, settings: ProjectFile()), searched: searched,
                    environment: environment, workingDirectory: start)
            }
            let parent = folder.deletingLastPathComponent().standardizedFileURL
            if parent.path == folder.path { break }
            folder = parent
        }
        return Settings(project: nil, searched: searched, environment: environment, workingDirectory: start)
    }

    /// The value of `key`: `flag` (named `flagName`) if given, else the environment, the project file,
    /// or the default.
    func resolve(_ key: ProjectFile.Key, flag: String? = nil, flagName: String = "") -> Resolved {
        let projectFolder = project?.folder ?? workingDirectory
        if let flag { return Resolved(value: flag, source: flagName, base: workingDirectory) }
        if let value = environment[key.environment] {
            return Resolved(value: value, source: "env \(key.environment)", base: workingDirectory)
        }
        if let project, let entry = project.settings[key], let file = project.file {
            return Resolved(value: entry.value, source: "\(file.lastPathComponent):\(entry.line):\(entry.column)", base: projectFolder)
        }
        return Resolved(value: Self.fallback(key), source: "default", base: projectFolder)
    }

    /// A path setting (`data`, `workflows`) as an absolute URL.
    func path(_ key: ProjectFile.Key, flag: String? = nil, flagName: String = "") -> (url: URL, source: String) {
        let resolved = resolve(key, flag: flag, flagName: flagName)
        return (absolute(resolved.value ?? Self.fallback(key) ?? "", base: resolved.base), resolved.source)
    }

    /// The allowed roots (besides the data root) for dataset files.
    func allowedRoots() -> (urls: [URL], source: String) {
        let resolved = resolve(.allowedRoots)
        let urls = (resolved.value ?? "").split(separator: ":").map { absolute(String($0), base: resolved.base) }
        return (urls, resolved.source)
    }

    /// Whether a read-only command may answer "no history" instead of refusing: it may inside a
    /// project, or when the user named the data root or database explicitly.
    func knowsWhereHistoryIs(dataFlag: String?, databaseFlag: String?) -> Bool {
        project != nil || dataFlag != nil || databaseFlag != nil
            || environment[ProjectFile.Key.data.environment] != nil || environment[ProjectFile.Key.database.environment] != nil
    }

    /// "no flowrun project here" with where it looked and the two ways out.
    var noProjectMessage: String {
        let first = searched.first?.path ?? workingDirectory.path
        let parents = searched.count - 1
        let looked = parents > 0 ? "\(first) and its \(parents) parent folder\(parents == 1 ? "" : "s")" : first
        return
            "no flowrun project here (looked in \(looked) for \(Self.fileName) or a workflows/ + data/ pair); run `flowrun init` or set FLOWRUN_DATA"
    }

    /// `url` as a person reads it: relative to the working folder when inside it, else absolute.
    func displayPath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path, here = workingDirectory.path
        if path == here { return "." }
        let prefix = here.hasSuffix("/") ? here : here + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    private func absolute(_ path: String, base: URL) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/")
            ? URL(fileURLWithPath: expanded).standardizedFileURL
            : base.appendingPathComponent(expanded).standardizedFileURL
    }
}
