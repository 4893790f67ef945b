import Foundation

/// The text of an error as flowrun stores and shows it: a sentence of ours, at most
/// ``limit`` bytes of UTF-8.
///
/// Every step error goes through here before it reaches the store, the run log or the terminal,
/// so a CSV whose one line is five megabytes cannot put five megabytes into every row and event
/// that mentions its failure.
public enum ErrorText {
    /// 4 KiB: a screenful, far more than a useful message needs.
    public static let limit = 4096

    /// `text` cut to at most `limit` bytes of UTF-8, at a character boundary, ending with
    /// `… N more bytes` when something was cut.
    public static func bounded(_ text: String, limit: Int = ErrorText.limit) -> String {
        let total = text.utf8.count
        guard total > limit else { return text }
        var kept = 0
        var end = text.startIndex
        for index in text.indices {
            let next = text.index(after: index)
            let size = text.utf8.distance(from: index, to: next)
            if kept + size > limit { break }
            kept += size
            end = next
        }
        return String(text[..<end]) + "… \(total - kept) more bytes"
    }

    /// ``describe(_:)``, bounded.
    public static func of(_ error: any Error) -> String {
        bounded(describe(error))
    }

    /// A sentence for `error`. Errors of our own types keep their descriptions; Foundation's file
    /// and JSON errors become "cannot read PATH: permission denied", never
    /// `Error Domain=NSCocoaErrorDomain Code=257 … UserInfo={…}`.
    public static func describe(_ error: any Error) -> String {
        switch error {
        case let error as DecodingError: return decoding(error)
        case let error as CocoaError: return foundation(error as NSError)
        case let error as POSIXError: return FileProblem.posix(error.code.rawValue)
        case is CancellationError: return "canceled"
        default: break
        }
        if type(of: error) is NSError.Type { return foundation(error as NSError) }
        // Its `description` when it has one (every error does on Linux, through NSError's bridging).
        return String(describing: error)
    }

    private static func foundation(_ error: NSError) -> String {
        let info = error.userInfo
        let path = info[NSFilePathErrorKey] as? String ?? (info[NSURLErrorKey] as? URL)?.path
        let reason: String
        switch (error.domain, error.code) {
        case (NSCocoaErrorDomain, CocoaError.propertyListReadCorrupt.rawValue):
            reason = "not valid JSON" + ((info[NSDebugDescriptionErrorKey] as? String).map { " (\($0.asClause))" } ?? "")
        case (NSCocoaErrorDomain, 512..<1024) where !(info[NSUnderlyingErrorKey] is NSError):
            reason = write(CocoaError.Code(rawValue: error.code))
        case (NSCocoaErrorDomain, _), (NSPOSIXErrorDomain, _):
            reason = FileProblem.describe(error)
        default:
            let text = info[NSLocalizedDescriptionKey] as? String ?? info[NSDebugDescriptionErrorKey] as? String
            reason = text ?? "\(error.domain) error \(error.code)"
        }
        guard let path else { return reason }
        switch (error.domain, error.code) {
        case (NSCocoaErrorDomain, 256..<512): return "cannot read \(path): \(reason)"
        case (NSCocoaErrorDomain, 512..<1024): return "cannot write \(path): \(reason)"
        default: return "\(path): \(reason)"
        }
    }

    private static func write(_ code: CocoaError.Code) -> String {
        switch code {
        case .fileWriteNoPermission: "permission denied"
        case .fileWriteOutOfSpace: "no space left on the device"
        case .fileWriteVolumeReadOnly: "the file system is read-only"
        case .fileWriteFileExists: "it already exists"
        case .fileWriteInvalidFileName: "not a valid file name"
        case .fileWriteInapplicableStringEncoding: "the text cannot be written in that encoding"
        default: "the file cannot be written (error \(code.rawValue))"
        }
    }

    private static func decoding(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .dataCorrupted(let c): return "invalid data\(place(c.codingPath)): \(c.debugDescription.asClause)"
        case .keyNotFound(let key, let c): return "invalid data\(place(c.codingPath)): no '\(key.stringValue)'"
        case .typeMismatch(let type, let c): return "invalid data\(place(c.codingPath)): expected \(type)"
        case .valueNotFound(let type, let c): return "invalid data\(place(c.codingPath)): expected \(type), found null"
        @unknown default: return "invalid data"
        }
    }
}

private extension String {
    /// "Invalid value around character 1." → "invalid value around character 1"
    var asClause: String {
        let text = hasSuffix(".") ? String(dropLast()) : self
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
