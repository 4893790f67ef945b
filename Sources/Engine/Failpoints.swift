import Foundation

/// Crash points for fault tests of real processes: with `FLOWRUN_FAILPOINT=<name>`, the process
/// dies at that point as if killed (exit status 86, no cleanup). Unset, a check costs one lookup.
public enum Failpoints {
    private static let armed = ProcessInfo.processInfo.environment["FLOWRUN_FAILPOINT"]

    public static func hit(_ name: String) {
        guard armed == name else { return }
        FileHandle.standardError.write(Data("flowrun: failpoint \(name): exiting\n".utf8))
        _exit(86)
    }
}
