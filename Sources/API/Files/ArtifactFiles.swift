import Engine
import Foundation

/// A run's artifact folder (`runs/<run>/`), read so that no request can leave it: `..`, absolute
/// parts, encoded slashes and symlinks pointing outside are refused.
struct ArtifactFiles {
    let layout: DataLayout

    /// Files under `runs/<run>/<step>/`, relative to `runs/<run>/`, sorted; at most `limit`.
    func list(run: String, step: String, limit: Int = 200) -> [ArtifactView] {
        let base = layout.artifactDirectory(run: run, step: step)
        guard
            let enumerator = FileManager.default.enumerator(
                at: base, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey], options: [.skipsHiddenFiles])
        else { return [] }
        var found: [ArtifactView] = []
        let prefix = base.standardizedFileURL.path + "/"
        for case let url as URL in enumerator {
            guard let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey]), values.isRegularFile == true else {
                continue
            }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            found.append(ArtifactView(path: step + "/" + path.dropFirst(prefix.count), sizeBytes: Int64(values.fileSize ?? 0)))
            if found.count >= limit { break }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// The file `components` name under `runs/<run>/`, after checking every part and the real path.
    func resolve(run: String, components: [String]) throws -> URL {
        guard !components.isEmpty else { throw APIError.badRequest("give a file path after /artifacts/", field: "path") }
        for part in components {
            let lowered = part.lowercased()
            if part.isEmpty || part == "." || part == ".." || part.contains("/") || part.contains("\\") || part.contains("\0")
                || lowered.contains("%2f") || lowered.contains("%5c") || lowered.contains("%2e%2e") || lowered.contains("%00")
            {
                throw APIError.badRequest(
                    "artifact path '\(components.joined(separator: "/"))' must stay inside the run's folder",
                    field: "path", code: "path_not_allowed")
            }
        }
        let runFolder = layout.runs.appendingPathComponent(run, isDirectory: true)
        let base = runFolder.resolvingSymlinksInPath().path
        let candidate = components.reduce(runFolder) { $0.appendingPathComponent($1) }
        let real = candidate.resolvingSymlinksInPath().path
        guard real.hasPrefix(base + "/") else {
            // A symlink out of the folder: say no more than "not found".
            throw APIError.notFound("no artifact '\(components.joined(separator: "/"))' in run '\(run)'", code: "artifact_not_found")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw APIError.notFound("no artifact '\(components.joined(separator: "/"))' in run '\(run)'", code: "artifact_not_found")
        }
        return URL(fileURLWithPath: real)
    }

    /// The media type to serve a file as, by extension.
    static func contentType(_ url: URL) -> String {
        switch url.pathExtension.lowercased() {
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "json": "application/json"
        case "csv": "text/csv; charset=utf-8"
        case "txt", "log", "md", "yaml", "yml": "text/plain; charset=utf-8"
        case "html", "htm": "text/plain; charset=utf-8"  // never rendered as a page of ours
        default: "application/octet-stream"
        }
    }
}
