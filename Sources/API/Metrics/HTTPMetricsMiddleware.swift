import Hummingbird

/// Counts every request and times it (until the handler's answer, before its body is streamed) by
/// the route the router matched, method and status: `flowrun_http_requests_total` and
/// `flowrun_http_request_duration_seconds`. Outside the error middleware, so errors count with the
/// status they were answered with.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: Int(response.status.code), since: start)
            return response
        } catch {
            record(request, context, status: Int((error as? any HTTPResponseError)?.status.code ?? 500), since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        // Read after the call: the router names an unmatched path `NotFound` only when it fails.
        metrics.request(
            route: context.endpointPath ?? "NotFound", method: request.method.rawValue, status: status,
            duration: start.duration(to: .now))
    }
}
