import Hummingbird

/// The dashboard: server-rendered pages, their one stylesheet and script, and login. Pass
/// ``register(on:)`` as `extraRoutes` to ``APIRouter/make(services:extraRoutes:)``; the pages
/// read through the same views and store as the API and change things only through the API.
public struct DashboardRoutes: Sendable {
    let services: APIServices
    let snapshots: StoreSnapshots

    public init(services: APIServices) {
        self.services = services
        snapshots = StoreSnapshots(services: services)
    }

    public func register(on router: Router<APIRequestContext>) {
        let services = self.services, snapshots = self.snapshots
        // On the allow-list (OpenRoutes): static assets and the login page.
        router.get("/assets/dashboard.css") { _, _ in DashboardRoutes.asset(DashboardStyle.css, type: "text/css; charset=utf-8") }
        router.get("/assets/dashboard.js") { _, _ in DashboardRoutes.asset(DashboardScript.js, type: "text/javascript; charset=utf-8") }
        router.get("/favicon.ico") { _, _ in DashboardRoutes.asset(DashboardRoutes.favicon, type: "image/svg+xml") }
        LoginRoutes(services: services).register(on: router)

        let loggedIn = services.apiToken != nil
        let pages = router.group().add(middleware: DashboardAuthMiddleware(token: services.apiToken))
        pages.get("/") { request, _ in
            HTMLResponse.page(try await OverviewPage(services: services, snapshots: snapshots).render(request))
        }
        pages.get("/runs") { request, _ in
            HTMLResponse.page(try await RunsPage(services: services).render(request))
        }
        pages.get("/runs/{id}") { _, context in
            let id = try context.parameters.path("id")
            guard let page = try await RunDetailPage(services: services).render(id: id) else {
                return Layout.notFound("There is no run '\(id)'.", section: .runs, loggedIn: loggedIn)
            }
            return HTMLResponse.page(page)
        }
        pages.get("/runs/{id}/live") { _, context in
            let id = try context.parameters.path("id")
            guard let part = try await RunDetailPage(services: services).renderLive(id: id) else {
                return HTMLResponse.page("<p class=\"notice error\">There is no run '\(html(id))'.</p>", status: .notFound)
            }
            return HTMLResponse.page(part)
        }
        pages.get("/datasets") { _, _ in
            HTMLResponse.page(try await DatasetsPage(services: services).renderList())
        }
        pages.get("/datasets/{id}") { _, context in
            let id = try context.parameters.path("id")
            guard let page = try await DatasetsPage(services: services).renderDetail(id: id) else {
                return Layout.notFound("There is no dataset '\(id)'.", section: .datasets, loggedIn: loggedIn)
            }
            return HTMLResponse.page(page)
        }
        pages.get("/workflows") { _, _ in
            HTMLResponse.page(WorkflowsPage(services: services).renderList())
        }
        pages.get("/workflows/{name}") { _, context in
            let name = try context.parameters.path("name")
            guard let page = try await WorkflowsPage(services: services).renderDetail(name: name) else {
                return Layout.notFound("There is no workflow '\(name)'.", section: .workflows, loggedIn: loggedIn)
            }
            return HTMLResponse.page(page)
        }
    }

    /// A small flow mark (three linked dots), so browsers stop asking for a missing icon.
    static let favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M3 8h10M8 3v10" stroke="#2563eb" stroke-width="2"/>\
        <circle cx="3" cy="8" r="2.5" fill="#2563eb"/><circle cx="13" cy="8" r="2.5" fill="#16a34a"/><circle cx="8" cy="3" r="2.5" fill="#2563eb"/></svg>
        """

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache", .contentTypeOptions: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
