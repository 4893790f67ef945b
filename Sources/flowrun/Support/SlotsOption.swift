import Engine
import Foundation

/// `--slots`, and `--concurrency`, its former name: still accepted (scripts use it) with a one-line
/// notice on stderr, since it now counts slots, which a step may take several of (`cpu:`).
enum SlotsOption {
    static let help = "Slots this worker fills with steps; a step takes its cpu: (1 unless it says). [default: 4 × cores]"
    static let concurrencyHelp = "Deprecated name of --slots."

    static func resolve(slots: Int?, concurrency: Int?) throws -> Int? {
        if let concurrency {
            FileHandle.standardError.write(Data("flowrun: --concurrency is deprecated; it now sets --slots (\(concurrency))\n".utf8))
            if slots != nil { throw CLIError.refused("give --slots or --concurrency, not both") }
        }
        guard let value = slots ?? concurrency else { return nil }
        guard value >= 1 else { throw CLIError.refused("--slots: expected at least 1, got \(value)") }
        return value
    }
}
