import Foundation

/// Where flowrun keeps files under its data root (`FLOWRUN_DATA`, default `./data`):
/// `inbound/` for uploads, `runs/<run>/<step>/` for artifacts, `logs/<run>/` for logs, and the
/// embedded database `flowrun.sqlite`.
public struct DataLayout: Sendable {
    public let root: URL
    /// Folders datasets may come from (the data root unless configured).
    public let allowedRoots: [URL]

    public init(root: URL, allowedRoots: [URL] = []) {
        self.root = root.standardizedFileURL
        self.allowedRoots = (allowedRoots.isEmpty ? [root] : allowedRoots).map(\.standardizedFileURL)
    }

    public var inbound: URL { root.appendingPathComponent("inbound", isDirectory: true) }
    public var runs: URL { root.appendingPathComponent("runs", isDirectory: true) }
    public var logs: URL { root.appendingPathComponent("logs", isDirectory: true) }
    public var database: URL { root.appendingPathComponent("flowrun.sqlite") }

    public func artifactDirectory(run: String, step: String) -> URL {
        runs.appendingPathComponent(run, isDirectory: true).appendingPathComponent(step, isDirectory: true)
    }

    public func runLogDirectory(run: String) -> URL {
        logs.appendingPathComponent(run, isDirectory: true)
    }

    /// `logs/<run>/<step>.<attempt>.log`
    public func stepLog(run: String, step: String, attempt: Int) -> URL {
        runLogDirectory(run: run).appendingPathComponent("\(step).\(attempt).log")
    }

    /// `logs/<run>/run.log`: the engine's own events for the run.
    public func runLog(run: String) -> URL {
        runLogDirectory(run: run).appendingPathComponent("run.log")
    }

    /// The real path of `path` (relative paths against the current directory), when it lies inside
    /// an allowed root after resolving `..` and symlinks; nil otherwise.
    public func resolveAllowed(_ path: String) -> URL? {
        let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        for root in allowedRoots {
            let base = root.resolvingSymlinksInPath().path
            let prefix = base.hasSuffix("/") ? base : base + "/"
            if url.path == base || url.path.hasPrefix(prefix) { return url }
        }
        return nil
    }
}
