import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// POSTs a notification. Foundation's URLSession (libcurl on Linux): http and https, with a
/// timeout for the whole exchange, no cookies, no cache — a webhook is one request.
public struct WebhookClient: Sendable {
    public var timeout: Duration

    public init(timeout: Duration = .seconds(10)) {
        self.timeout = timeout
    }

    /// The answer's status; throws for a transport failure (refused, timed out, TLS).
    public func post(_ url: URL, body: Data, headers: [String: String]) async throws -> Int {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout.seconds
        configuration.timeoutIntervalForResource = timeout.seconds
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = timeout.seconds
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("flowrun/\(FlowrunVersion.current)", forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        do {
            let (_, response) = try await session.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode ?? 0
        } catch {
            throw Failure(error)
        }
    }

    /// A transport failure in libcurl's words ("Failed to connect to … port …: Couldn't connect to
    /// server"), not NSError's dump of its user info.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        init(_ error: any Error) {
            let ns = error as NSError
            if let text = ns.userInfo[NSLocalizedDescriptionKey] as? String, !text.isEmpty {
                description = text
            } else if ns.code == NSURLErrorTimedOut {
                description = "timed out"
            } else {
                description = "\(ns.domain) error \(ns.code)"
            }
        }
    }
}
