import Foundation
import Hummingbird

/// The request context of every API route: the 1 MiB body limit and the API's JSON configuration.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthMiddleware`` when a request was let in by the dashboard's cookie.
    public var authenticatedByCookie = false
    var uploadLimit = 1 << 20

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { uploadLimit }
    public var requestDecoder: JSONDecoder { APIJSON.decoder() }
    public var responseEncoder: JSONEncoder { APIJSON.encoder() }
}
