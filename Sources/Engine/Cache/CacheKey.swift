import Crypto
import FlowSpec
import Foundation

/// What a step's cache key is made of. Two attempts with equal parts compute the same thing:
/// - `action`: what it runs — `uses <step>`, or `run` (the command itself is in `with.command`);
/// - `flowrun`: the version, for `uses:` steps (their code ships with flowrun);
/// - `with`: the resolved parameters (a command's script after expansion, its environment), each as
///   JSON, with every path of a known file replaced by `file:<label>` so that a run's own folder
///   names do not change the key;
/// - `files`: label → SHA-256 of each file those parameters name (datasets, upstream outputs).
struct CacheKeyParts: Codable, Equatable, Sendable {
    var action: String
    var flowrun: String?
    var with: [String: String]
    var files: [String: String]

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    /// Hex SHA-256 of the parts' canonical JSON.
    var key: String { ContentHash.sha256(of: json) }

    init(action: String, flowrun: String?, with: [String: String], files: [String: String]) {
        self.action = action
        self.flowrun = flowrun
        self.with = with
        self.files = files
    }

    init?(json: String) {
        guard let parts = try? JSONDecoder().decode(Self.self, from: Data(json.utf8)) else { return nil }
        self = parts
    }
}

/// The files a step's parameters may name, by path: what turns a path into `file:<label>` and a hash.
struct KnownFiles: Sendable {
    struct File: Sendable {
        var label: String
        var sha256: String
    }

    /// Absolute path → file.
    private(set) var byPath: [String: File] = [:]

    mutating func add(path: String, label: String, sha256: String) {
        byPath[path] = File(label: label, sha256: sha256)
    }

    /// Builds the canonical parameters and the files they read. A string that is a known path
    /// becomes `file:<label>`; known paths inside a longer string (a command) are replaced the same
    /// way; a string naming another existing file (relative to `dataRoot`) is hashed now, under the
    /// label of its path relative to the data root.
    func canonical(_ parameters: [String: Value], dataRoot: URL, runFolder: URL) -> (with: [String: String], files: [String: String]) {
        var files: [String: String] = [:]
        let longestFirst = byPath.keys.sorted { $0.count > $1.count }
        func walk(_ value: Value) -> Value {
            switch value {
            case .string(let s):
                if let file = byPath[s] {
                    files[file.label] = file.sha256
                    return .string("file:" + file.label)
                }
                if let found = looseFile(s, dataRoot: dataRoot, runFolder: runFolder) {
                    files[found.label] = found.sha256
                    return .string("file:" + found.label)
                }
                var out = s
                for path in longestFirst where out.contains(path) {
                    let file = byPath[path]!
                    files[file.label] = file.sha256
                    out = out.replacingOccurrences(of: path, with: "file:" + file.label)
                }
                // Whatever else of this run's folder a command names is named without the run's id.
                out = out.replacingOccurrences(of: runFolder.path + "/", with: "<run>/")
                return .string(out)
            case .list(let items): return .list(items.map(walk))
            case .map(let entries): return .map(entries.mapValues(walk))
            default: return value
            }
        }
        var with: [String: String] = [:]
        for (name, value) in parameters { with[name] = walk(value).jsonText }
        return (with, files)
    }

    /// A parameter that names an existing regular file nobody hashed yet.
    private func looseFile(_ text: String, dataRoot: URL, runFolder: URL) -> File? {
        guard !text.isEmpty, text.count < 4096, !text.contains("\n"), text.contains("/") || text.contains(".") else { return nil }
        let url = text.hasPrefix("/") ? URL(fileURLWithPath: text) : dataRoot.appendingPathComponent(text)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue,
            let (hash, _) = try? ContentHash.sha256(of: url)
        else { return nil }
        let path = url.standardizedFileURL.path
        let label: String
        if path.hasPrefix(runFolder.path + "/") {
            label = "steps." + path.dropFirst(runFolder.path.count + 1)
        } else if path.hasPrefix(dataRoot.path + "/") {
            label = String(path.dropFirst(dataRoot.path.count + 1))
        } else {
            label = path
        }
        return File(label: label, sha256: hash)
    }
}
