import Engine
import Foundation
import Store

/// What the HTTP layer needs: the engine (submit, cancel, retry, datasets, workflows) and settings.
public struct APIServices: Sendable {
    public let engine: Engine
    /// When set, every route but those on ``OpenRoutes`` requires `Authorization: Bearer <token>`
    /// (or the dashboard's `flowrun_token` cookie). Nil only for `serve --no-auth`, which binds to
    /// loopback and then answers only requests addressed to a loopback host name.
    public let apiToken: String?
    /// Origins besides the server's own that may send state-changing requests (the public URL a
    /// reverse proxy serves it under, `FLOWRUN_PUBLIC_URL`).
    public let trustedOrigins: Set<String>
    /// The process start time, for uptime in `/api/health`.
    public let startedAt: Date
    /// Largest request body accepted; larger ones get 413.
    public let maxBodySize: Int
    /// How often `/api/runs/{id}/events` looks for new events and log lines.
    public let eventPollInterval: Duration
    /// How long `/api/health` and `/metrics` reuse one look at the store.
    public let snapshotTTL: TimeInterval

    public init(
        engine: Engine, apiToken: String?, trustedOrigins: Set<String> = [], startedAt: Date = Date(),
        maxBodySize: Int = 1 << 20, eventPollInterval: Duration = .milliseconds(250), snapshotTTL: TimeInterval = 1
    ) {
        self.engine = engine
        self.apiToken = apiToken.flatMap { $0.isEmpty ? nil : $0 }
        self.trustedOrigins = trustedOrigins
        self.startedAt = startedAt
        self.maxBodySize = maxBodySize
        self.eventPollInterval = eventPollInterval
        self.snapshotTTL = snapshotTTL
    }

    /// A path from a request: relative paths are relative to the data root, not to the folder the
    /// server was started in.
    func dataPath(_ path: String) -> String {
        path.hasPrefix("/") ? path : engine.layout.root.appendingPathComponent(path).path
    }
}
