/// Names and addresses only this machine reaches: what `serve --no-auth` may bind to and the only
/// `Host` names it answers.
public enum Loopback {
    /// `localhost` (and `*.localhost`), `127.x.x.x`, `::1` (bare or bracketed); no port.
    public static func isLoopback(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "::1" || host == "localhost" || host.hasSuffix(".localhost") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// A `Host` header's value (`127.0.0.1:8080`, `[::1]:8080`, `localhost`): its host part is loopback.
    static func isLoopback(authority: String) -> Bool {
        if authority.hasPrefix("[") {
            guard let end = authority.firstIndex(of: "]") else { return false }
            return isLoopback(host: String(authority[...end]))
        }
        let host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return isLoopback(host: host)
    }
}
