import Engine
import Foundation
import Hummingbird
import OpenAPIRuntime
import Store

/// Turns whatever a route throws into the API's one error shape, and sets the body limit.
struct ErrorMiddleware: RouterMiddleware {
    let maxBodySize: Int

    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.uploadLimit = maxBodySize
        do {
            return try await next(request, context)
        } catch {
            let apiError = ErrorMiddleware.apiError(error)
            if apiError.status == .internalServerError {
                context.logger.error("\(request.method) \(request.uri.path.prefix(200)) failed: \(String(describing: error).prefix(2000))")
            }
            return try apiError.response(from: request, context: context)
        }
    }

    static func apiError(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        // Thrown through the generated server (ContractRoutes): the handler's error, or the request it refused.
        case let error as ServerError: return GeneratedRequestErrors.apiError(error)
        case let error as EngineError: return APIError(error)
        case let error as RunReferenceError: return APIError(error)
        case let error as StoreError: return APIError(error)
        case let error as DecodingError: return APIError(decoding: error)
        case let error as HTTPError:
            switch error.status {
            case .notFound: return .notFound(error.body ?? "no such route")
            case .contentTooLarge: return .tooLarge(limit: 1 << 20)
            case .methodNotAllowed:
                return APIError(status: .methodNotAllowed, code: "method_not_allowed", message: error.body ?? "method not allowed")
            default:
                return APIError(
                    status: error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                    message: error.body ?? error.status.reasonPhrase)
            }
        case is CancellationError:
            return APIError(status: .serviceUnavailable, code: "shutting_down", message: "the server is shutting down")
        default:
            // What went wrong inside is for the server's log, not for the client.
            return APIError(
                status: .internalServerError, code: "internal", message: "the server failed to answer this request; its log says why")
        }
    }
}
