import Foundation

/// An append-only log file whose lines carry a UTC timestamp.
///
/// Writes never throw into the caller's path: the first failure (a full disk, a removed folder) is
/// kept in ``failure`` so the engine can fail the attempt with a clear message. A file is capped
/// at ``limit`` bytes; past it one notice is written and further lines are only counted.
public final class LogFile: @unchecked Sendable {
    public let url: URL
    public let limit: Int
    private let lock = NSLock()
    private var handle: FileHandle?
    private var written = 0
    private var dropped = 0
    private var firstFailure: String?

    /// A line written first, when (and only if) anything else is written.
    private var header: String?

    /// - Parameter lazily: create the file only when the first line is written, so an attempt
    ///   that logs nothing costs no file (thousands of `noop` steps a second).
    public init(url: URL, limit: Int = 20 << 20, lazily: Bool = false, header: String? = nil) {
        self.url = url
        self.limit = limit
        self.header = header
        if !lazily { open() }
    }

    private var opened = false

    private func open() {
        opened = true
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: url.path) {
                FileManager.default.createFile(atPath: url.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: url)
            written = Int(try handle.seekToEnd())
            self.handle = handle
        } catch {
            firstFailure = "cannot open log \(url.path): \(LogFile.reason(error))"
        }
    }

    /// Whether anything was written (the file exists).
    public var isOpen: Bool { lock.withLock { opened } }

    deinit { try? handle?.close() }

    /// The first write failure, if any.
    public var failure: String? { lock.withLock { firstFailure } }

    public func write(_ message: String, at date: Date = Date()) {
        var line = LogFile.timestamp(date) + " " + message + "\n"
        lock.withLock {
            if !opened {
                open()
                if let header { line = LogFile.timestamp(date) + " " + header + "\n" + line }
            }
            guard let handle, firstFailure == nil else { return }
            if written + line.utf8.count > limit {
                if dropped == 0 {
                    try? handle.write(contentsOf: Data("\(LogFile.timestamp(date)) [log truncated at \(limit) bytes]\n".utf8))
                }
                dropped += 1
                return
            }
            do {
                try handle.write(contentsOf: Data(line.utf8))
                written += line.utf8.count
            } catch {
                firstFailure = "cannot write log \(url.path): \(LogFile.reason(error))"
            }
        }
    }

    /// Lines not written because the file reached its limit.
    public var droppedLines: Int { lock.withLock { dropped } }

    public func close() {
        lock.withLock {
            try? handle?.close()
            handle = nil
        }
    }

    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
