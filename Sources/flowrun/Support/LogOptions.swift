import ArgumentParser
import Foundation
import Logging

/// `--log-level` and `--log-format` of the long-running commands (`serve`, `worker`, `watch`).
/// Text reads well in a terminal and in `journalctl`; JSON, one object per line, suits a log
/// collector. Both go to stderr, so stdout keeps what the command prints for people.
struct LogOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(
        help: ArgumentHelp(
            "trace, debug, info, notice, warning, error or critical. [env: FLOWRUN_LOG_LEVEL, project file: log.level, default: info]",
            valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp("text or json. [env: FLOWRUN_LOG_FORMAT, project file: log.format, default: text]", valueName: "format"))
    var logFormat: Format?

    /// The level asked for, checked.
    func level() throws -> Logger.Level {
        let resolved = try Settings.current().resolve(.logLevel, flag: logLevel, flagName: "--log-level")
        let text = resolved.value ?? "info"
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw CLIError.refused(
                "\(resolved.source): log level '\(text)' is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return level
    }

    func format() throws -> Format {
        if let logFormat { return logFormat }
        let resolved = try Settings.current().resolve(.logFormat)
        let text = resolved.value ?? "text"
        guard let format = Format(rawValue: text.lowercased()) else {
            throw CLIError.refused("\(resolved.source): log format '\(text)' is not text or json")
        }
        return format
    }

    /// Sets up logging for the whole process (once, before any logger is made) and returns the level.
    @discardableResult
    func bootstrap() throws -> Logger.Level {
        let level = try level()
        let format = try format()
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return level
    }
}

/// One JSON object per line on stderr: `{"time", "level", "label", "message", …metadata}`.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    private static let lock = NSLock()

    func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields[key] = "\(value)" }
        fields["time"] = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = "\(event.message)"
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        var line = data
        line.append(0x0A)
        Self.lock.withLock { FileHandle.standardError.write(line) }
    }
}
