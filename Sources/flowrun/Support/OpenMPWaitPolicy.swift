import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// XGBoost's OpenMP threads spin while they wait for work (GNU libgomp's default `ACTIVE` policy
/// for a while, then `throttled`): on a machine where another process uses the cores, a forest fit
/// measured 79 s instead of 2.8 s. `OMP_WAIT_POLICY=passive` makes them sleep instead, at no cost
/// when the machine is idle.
///
/// libgomp reads the variable once, in a constructor that runs when the library is loaded — before
/// `main` — so setting it here would be too late. When it is unset, flowrun sets it and executes
/// itself again (same arguments, same pid); a user's own setting is kept.
enum OpenMPWaitPolicy {
    static func ensurePassive() {
        guard getenv("OMP_WAIT_POLICY") == nil else { return }
        setenv("OMP_WAIT_POLICY", "passive", 1)
        let arguments = CommandLine.arguments
        let cArguments = arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", cArguments)
        // Only reached when exec failed (no /proc, say): go on, spinning rather than not running.
        cArguments.forEach { free($0) }
    }
}
