import Engine
import Foundation
import Store

/// What the HTTP layer needs: the engine (submit, cancel, retry, datasets, workflows) and settings.
public struct APIServices: Sendable {
    public let engine: Engine
    /// When set, every route but `/api/health` requires `Authorization: Bearer <token>`.
    public let apiToken: String?
    /// The process start time, for uptime in `/api/health`.
    public let startedAt: Date

    public init(engine: Engine, apiToken: String?, startedAt: Date = Date()) {
        self.engine = engine
        self.apiToken = apiToken
        self.startedAt = startedAt
    }

    public var store: any Store { engine.store }
}
