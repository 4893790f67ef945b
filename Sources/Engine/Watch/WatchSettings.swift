import Foundation

/// How the watcher decides a file has finished arriving, from the environment names operators
/// already use. Each, when set, overrides what the workflows' `triggers.folder` say.
public struct WatchSettings: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// inotify when the kernel offers it for the folder, else polling.
        case auto
        /// inotify for immediate notice, plus a slow rescan as a safety net.
        case inotify
        /// Only periodic rescans: the one thing that sees changes made on NFS/SMB by other machines.
        case poll
    }

    /// `STABLE_SECONDS`: size and mtime unchanged this long.
    public var stableSeconds: Double?
    /// `USE_DONE_FILE=true`: a file is taken only once `<file>.done` exists.
    public var useDoneFile: Bool?
    /// `INCLUDE_EXT=.csv,.tsv`: only these extensions (lowercased, with the dot).
    public var includeExtensions: [String]?
    /// `FLOWRUN_WATCH_DIR`: the folder to watch instead of the triggers' own.
    public var directory: String?
    /// `FLOWRUN_WATCH_MODE`.
    public var mode: Mode
    /// `FLOWRUN_WATCH_POLL_SECONDS`: the rescan interval (default 2 s; 30 s as inotify's safety net).
    public var pollSeconds: Double?

    public init(
        stableSeconds: Double? = nil, useDoneFile: Bool? = nil, includeExtensions: [String]? = nil,
        directory: String? = nil, mode: Mode = .auto, pollSeconds: Double? = nil
    ) {
        self.stableSeconds = stableSeconds
        self.useDoneFile = useDoneFile
        self.includeExtensions = includeExtensions
        self.directory = directory
        self.mode = mode
        self.pollSeconds = pollSeconds
    }

    /// Reads the environment; a value that cannot be understood is an error naming the variable.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(WatchError) -> WatchSettings {
        func value(_ name: String) -> String? {
            env[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func seconds(_ name: String) throws(WatchError) -> Double? {
            guard let text = value(name) else { return nil }
            guard let number = Double(text), number >= 0, number.isFinite else {
                throw WatchError.badSetting("\(name)=\(text): expected a number of seconds, e.g. 5")
            }
            return number
        }
        var settings = WatchSettings()
        settings.stableSeconds = try seconds("STABLE_SECONDS")
        settings.pollSeconds = try seconds("FLOWRUN_WATCH_POLL_SECONDS")
        if let text = value("USE_DONE_FILE") {
            switch text.lowercased() {
            case "true", "1", "yes", "on": settings.useDoneFile = true
            case "false", "0", "no", "off": settings.useDoneFile = false
            default: throw WatchError.badSetting("USE_DONE_FILE=\(text): expected true or false")
            }
        }
        if let text = value("INCLUDE_EXT") {
            settings.includeExtensions = text.split(separator: ",").map {
                let ext = $0.trimmingCharacters(in: .whitespaces).lowercased()
                return ext.hasPrefix(".") ? ext : "." + ext
            }.filter { $0 != "." }
        }
        settings.directory = value("FLOWRUN_WATCH_DIR")
        if let text = value("FLOWRUN_WATCH_MODE") {
            guard let mode = Mode(rawValue: text.lowercased()) else {
                throw WatchError.badSetting("FLOWRUN_WATCH_MODE=\(text): expected one of auto, inotify, poll")
            }
            settings.mode = mode
        }
        return settings
    }
}

public enum WatchError: Error, Equatable, CustomStringConvertible {
    case badSetting(String)
    case nothingToWatch(String)
    case folderNotAllowed(folder: String, roots: [String])

    public var description: String {
        switch self {
        case .badSetting(let message): message
        case .nothingToWatch(let message): message
        case .folderNotAllowed(let folder, let roots):
            "the watched folder \(folder) is outside the allowed data roots (\(roots.joined(separator: ", "))): "
                + "add it to FLOWRUN_ALLOWED_ROOTS"
        }
    }
}
