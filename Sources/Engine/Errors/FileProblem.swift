import Foundation

/// Turns a file error from Foundation or the C library into a few words of ours ("permission
/// denied", "no such file"), never Foundation's `Error Domain=NSCocoaErrorDomain Code=256 …` dump.
/// Errors of our own types keep their descriptions.
public enum FileProblem {
    public static func describe(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return posix(Int32(underlying.code))
        }
        switch ns.domain {
        case NSPOSIXErrorDomain:
            return posix(Int32(ns.code))
        case NSCocoaErrorDomain:
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding: return "not UTF-8 text"
            case .fileReadTooLarge: return "too large to read"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileReadCorruptFile: return "the file is damaged or not in the expected format"
            default: return "the file cannot be read (error \(ns.code))"
            }
        default:
            if let described = error as? CustomStringConvertible { return described.description }
            return "an unexpected error (\(ns.domain) \(ns.code))"
        }
    }

    /// `strerror`'s words for an errno value, lowercased as a clause.
    public static func posix(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }
}
