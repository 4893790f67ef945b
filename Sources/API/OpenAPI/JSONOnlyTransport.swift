import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Registers the generated operations on a router group (the guarded one) without their `Accept`
/// check: every answer of the API is JSON whatever the client accepts, as before the generated
/// server (it refused `Accept: text/html` with an internal error, after running the handler).
struct JSONOnlyTransport: ServerTransport {
    let group: RouterGroup<APIRequestContext>

    func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        group.register(
            { request, body, metadata in
                var request = request
                request.headerFields[.accept] = nil
                return try await handler(request, body, metadata)
            }, method: method, path: path)
    }
}
