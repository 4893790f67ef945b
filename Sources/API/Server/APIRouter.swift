import Engine
import Foundation
import Hummingbird

/// Builds the router of `flowrun serve`: every API route, `/metrics`, the OpenAPI document and
/// the docs page, behind the error, cross-site and auth middleware.
public enum APIRouter {
    /// - Parameters:
    ///   - services: the engine and settings.
    ///   - extraRoutes: more routes on the same router (the dashboard's pages); they get the same
    ///     error shape and cross-site rules, and must put their routes behind a guard themselves
    ///     (``DashboardRoutes`` does), or be on ``OpenRoutes``.
    public static func make(
        services: APIServices,
        extraRoutes: (Router<APIRequestContext>) -> Void = { _ in }
    ) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        // Outermost: every answer, errors included, carries the request's id.
        router.middlewares.add(RequestIDMiddleware())
        // Next: it counts every answer with the status the error middleware gave it.
        let metrics = ServerMetrics()
        router.middlewares.add(HTTPMetricsMiddleware(metrics: metrics))
        router.middlewares.add(ErrorMiddleware(maxBodySize: services.maxBodySize))
        router.middlewares.add(
            CrossSiteMiddleware(
                loopbackHostsOnly: services.apiToken == nil,
                trustedOrigins: services.trustedOrigins))
        let snapshots = StoreSnapshots(services: services)

        // The allow-list (OpenRoutes): registered on the bare router, nothing else is.
        HealthRoutes(services: services, snapshots: snapshots).register(on: router)
        DocsRoutes(resources: .bundled).register(on: router)

        // Everything else: behind the credential, decided on the route the router matched.
        let guarded = router.group().add(middleware: AuthMiddleware(token: services.apiToken))
        DatasetRoutes(services: services).register(on: guarded)
        RunRoutes(services: services).register(on: guarded)
        LogRoutes(services: services).register(on: guarded)
        EventRoutes(services: services).register(on: guarded)
        ArtifactRoutes(services: services).register(on: guarded)
        WorkflowRoutes(services: services).register(on: guarded)
        // The operations the generated server answers (openapi.yaml → APIProtocol).
        ContractRoutes(services: services).register(on: guarded)
        PrometheusRoutes(
            services: services, snapshots: snapshots,
            follower: RunMetricsFollower(engine: services.engine, metrics: metrics), metrics: metrics
        ).register(on: guarded)
        extraRoutes(router)
        return router
    }
}
