/// The allow-list: the only routes (patterns, as the router spells them) anyone may call without
/// the credential. They are registered on the bare router; every other route is registered on a
/// group behind ``AuthMiddleware`` (API) or ``DashboardAuthMiddleware`` (pages). `AccessTests`
/// enumerates the router's routes and proves that each one not listed here refuses an anonymous
/// request.
public enum OpenRoutes {
    public static let paths: Set<String> = [
        "/api/health",  // load balancers and monitors
        "/api/openapi.json",  // the contract, as JSON
        "/api/openapi.yaml",  // … and as written
        "/api/docs",  // the documentation page (its "Try it" sends the token)
        "/login", "/logout",  // the dashboard's way in and out
        // Static, no data: only the bundled files (AssetRoutes looks the name up, never opens a path).
        "/assets/{file}", "/favicon.ico",
    ]
}
