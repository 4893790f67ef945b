import ArgumentParser
import Foundation

/// `flowrun init`: makes a folder a flowrun project, as `git init` makes a repository.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make a folder a flowrun project: flowrun.yaml, workflows/ and data/inbound/.",
        discussion: """
            Every flowrun command run in the folder or below it then uses this project's data, workflows \
            and database, whatever the current folder. An existing flowrun.yaml is never overwritten.
            """)

    @Argument(help: "The project folder (created if missing). [default: .]")
    var folder: String = "."

    static let template = """
        # flowrun project settings. Every key is optional; an environment variable or a command-line
        # option overrides it (flowrun config shows what is in force and why). Relative paths are this
        # folder's. Never put secrets here: the API token comes from FLOWRUN_API_TOKEN or <data>/api-token.

        data: data                # FLOWRUN_DATA: inbound/, runs/, logs/ and the embedded database
        workflows: workflows      # FLOWRUN_WORKFLOWS: the workflow YAML files
        # database: postgres://flowrun:secret@db.lab:5432/flowrun   # DATABASE_URL (default: data/flowrun.sqlite)
        # allowed_roots: [/mnt/nas/exams]   # FLOWRUN_ALLOWED_ROOTS: folders besides data/ datasets may come from
        server:
          host: 127.0.0.1         # FLOWRUN_HOST (0.0.0.0 to serve other machines; a token is always needed)
          port: 8080              # FLOWRUN_PORT
          # public_url: https://flowrun.lab.example   # FLOWRUN_PUBLIC_URL, behind a reverse proxy
        log:
          level: info             # FLOWRUN_LOG_LEVEL
          format: text            # FLOWRUN_LOG_FORMAT: text or json

        """

    static let example = """
        name: hello
        version: 1
        description: A first workflow; `flowrun run hello` runs it.
        params:
          who: { type: string, default: world }
        steps:
          greet:
            run: echo "hello, ${{ params.who }}"

        """

    func run() async throws {
        try await reportingErrors {
            let files = FileManager.default
            let root = URL(fileURLWithPath: folder).standardizedFileURL
            let settingsFile = root.appendingPathComponent(Settings.fileName)
            guard !files.fileExists(atPath: settingsFile.path) else {
                throw CLIError.refused(
                    "\(settingsFile.path) exists: this folder is already a flowrun project (flowrun config shows its settings)")
            }
            for sub in ["workflows", "data/inbound"] {
                try files.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            try Data(Self.template.utf8).write(to: settingsFile, options: .withoutOverwriting)
            let example = root.appendingPathComponent("workflows/hello.yaml")
            let workflowCount = (try? files.contentsOfDirectory(atPath: root.appendingPathComponent("workflows").path))?.count ?? 0
            if workflowCount == 0 {
                try Data(Self.example.utf8).write(to: example, options: .withoutOverwriting)
            }
            print("flowrun project in \(root.path)")
            print("  \(Settings.fileName)   settings (flowrun config shows them)")
            print("  workflows/     workflow files" + (workflowCount == 0 ? " (hello.yaml to start)" : ""))
            print("  data/          inbound/ files, runs, logs and the history database")
            print("next: cd \(folder == "." ? "." : folder) && flowrun validate && flowrun run hello")
        }
    }
}
