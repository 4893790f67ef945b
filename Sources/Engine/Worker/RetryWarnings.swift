import Foundation

/// What to log about a store call the worker retries every half second (a database restarting, a
/// full disk): the first failure, a failure that says something new, then one line a minute with
/// the count — not two identical lines a second for as long as the fault lasts — and one line when
/// the call works again.
struct RetryWarnings {
    static let repeatEvery: TimeInterval = 60

    private var firstFailure: Date?
    private var lastLogged: Date?
    private var lastText: String?
    private var failures = 0
    private var unlogged = 0

    /// Whether to log this failure (`error`: its text, what tells failures apart), and what to add
    /// to the line: how many failures went unlogged since the last one.
    mutating func failed(_ error: String, at now: Date) -> (log: Bool, note: String) {
        failures += 1
        if firstFailure == nil { firstFailure = now }
        if error == lastText, let logged = lastLogged, now.timeIntervalSince(logged) < Self.repeatEvery {
            unlogged += 1
            return (false, "")
        }
        let note = unlogged > 0 ? " (failed \(unlogged) more time\(unlogged == 1 ? "" : "s") since the last line)" : ""
        lastText = error
        lastLogged = now
        unlogged = 0
        return (true, note)
    }

    /// The line to log when the call works again after failing, or nil when it had not failed.
    mutating func succeeded(at now: Date) -> String? {
        guard let first = firstFailure else { return nil }
        defer { self = RetryWarnings() }
        let seconds = Int(now.timeIntervalSince(first).rounded())
        return "works again after \(failures) failed tr\(failures == 1 ? "y" : "ies") over \(seconds) s"
    }
}
