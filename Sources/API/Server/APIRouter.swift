import Engine
import Foundation
import Hummingbird

/// Builds the router of `flowrun serve`: every API route, `/metrics`, the OpenAPI document and
/// the docs page, behind the error and auth middleware.
public enum APIRouter {
    /// - Parameters:
    ///   - services: the engine and settings.
    ///   - extraRoutes: more routes on the same router (the dashboard's pages); they get the same
    ///     error shape, and auth for any `/api/` path.
    public static func make(
        services: APIServices,
        extraRoutes: (Router<APIRequestContext>) -> Void = { _ in }
    ) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.middlewares.add(ErrorMiddleware(maxBodySize: services.maxBodySize))
        router.middlewares.add(AuthMiddleware(token: services.apiToken))
        let snapshots = StoreSnapshots(services: services)
        HealthRoutes(services: services, snapshots: snapshots).register(on: router)
        DatasetRoutes(services: services).register(on: router)
        RunRoutes(services: services).register(on: router)
        LogRoutes(services: services).register(on: router)
        EventRoutes(services: services).register(on: router)
        ArtifactRoutes(services: services).register(on: router)
        WorkflowRoutes(services: services).register(on: router)
        CompareRoutes(services: services).register(on: router)
        PrometheusRoutes(services: services, snapshots: snapshots, follower: RunMetricsFollower(store: services.store)).register(on: router)
        DocsRoutes().register(on: router)
        extraRoutes(router)
        return router
    }
}
