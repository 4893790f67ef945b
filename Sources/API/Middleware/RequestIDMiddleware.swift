import Hummingbird
import Logging

/// Gives every request an id: the caller's `X-Request-Id` when it is a sane token (a proxy's, say),
/// else a new one. The id is in every log line of the request (`request_id`) and in the response,
/// so a user's report and the server's log meet.
struct RequestIDMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let id = request.headers[.requestID].flatMap(Self.accepted) ?? Self.make()
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.requestID] = id
        // Refusals are worth a line (a 401 or 403 may be someone trying); successes only at debug,
        // so a busy server's log stays readable and cheap. 5xx were logged where they happened.
        let status = response.status.code
        let line: Logger.Message = "\(request.method) \(request.uri.path.prefix(200)) → \(status)"
        if (400..<500).contains(status) { context.logger.info(line) } else if status < 400 { context.logger.debug(line) }
        return response
    }

    /// 1–64 of letters, digits, `-_.:`: nothing a log line or a header could be broken with.
    static func accepted(_ id: String) -> String? {
        guard (1...64).contains(id.utf8.count),
            id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || "-_.:".utf8.contains($0) })
        else { return nil }
        return id
    }

    /// 16 random hex digits.
    static func make() -> String {
        RandomHex.make(bytes: 8)
    }
}
