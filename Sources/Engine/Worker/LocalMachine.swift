import Foundation
import Store

extension Machine {
    /// The machine this process runs on, read once.
    public static let local = Machine.read()

    /// Reads the host name, `/proc/sys/kernel/random/boot_id` and `/proc/self/ns/pid`. What cannot
    /// be read becomes a value no other process has, so pids are never compared across machines.
    static func read() -> Machine {
        let unknown = "unknown-" + UUID().uuidString
        let boot = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")
        return Machine(
            host: ProcessInfo.processInfo.hostName,
            bootID: boot.flatMap { $0.isEmpty ? nil : $0 } ?? unknown,
            pidNamespace: namespace ?? unknown)
    }
}
