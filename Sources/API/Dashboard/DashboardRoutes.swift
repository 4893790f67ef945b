import Hummingbird

/// The dashboard: server-rendered pages, login, and the files under `/assets/` (its stylesheet and
/// script, and the API docs page's: the OpenAPI document describes the API alone). Pass
/// ``register(on:)`` as `extraRoutes` to ``APIRouter/make(services:extraRoutes:)``; the pages read
/// through the same views and engine as the API and change things only through the API.
public struct DashboardRoutes: Sendable {
    let services: APIServices
    let snapshots: StoreSnapshots
    let renderer: PageRenderer

    public init(services: APIServices) {
        self.services = services
        snapshots = StoreSnapshots(services: services)
        renderer = PageRenderer(resources: .bundled, loggedIn: services.apiToken != nil)
    }

    public func register(on router: Router<APIRequestContext>) {
        let services = self.services, snapshots = self.snapshots, renderer = self.renderer
        // On the allow-list (OpenRoutes): static assets and the login page.
        AssetRoutes(assets: renderer.resources.assets).register(on: router)
        LoginRoutes(services: services, page: LoginPage(renderer: renderer)).register(on: router)

        let pages = router.group().add(middleware: DashboardAuthMiddleware(token: services.apiToken))
        pages.get("/") { request, _ in
            HTMLResponse.page(try await OverviewPage(services: services, snapshots: snapshots, renderer: renderer).render(request))
        }
        pages.get("/runs") { request, _ in
            HTMLResponse.page(try await RunsPage(services: services, renderer: renderer).render(request))
        }
        pages.get("/runs/{id}") { _, context in
            let id = try context.parameters.path("id")
            if let other = try await RunReferencePages.redirect(id, services: services, renderer: renderer) { return other }
            guard let page = try await RunDetailPage(services: services, renderer: renderer).render(id: id) else {
                return try renderer.notFound("There is no run '\(id)'.", section: .runs)
            }
            return HTMLResponse.page(page)
        }
        pages.get("/runs/{id}/live") { _, context in
            let id = try context.parameters.path("id")
            guard let part = try await RunDetailPage(services: services, renderer: renderer).renderLive(id: id) else {
                return HTMLResponse.page(try renderer.part(.runLiveMissing, ["id": id]), status: .notFound)
            }
            return HTMLResponse.page(part)
        }
        pages.get("/compare") { request, _ in
            try await ComparePage(services: services, renderer: renderer).render(request)
        }
        LogDownloadRoute(services: services, renderer: renderer).register(on: pages)
        pages.get("/datasets") { _, _ in
            HTMLResponse.page(try await DatasetsPage(services: services, renderer: renderer).renderList())
        }
        pages.get("/datasets/{id}") { _, context in
            let id = try context.parameters.path("id")
            guard let page = try await DatasetsPage(services: services, renderer: renderer).renderDetail(id: id) else {
                return try renderer.notFound("There is no dataset '\(id)'.", section: .datasets)
            }
            return HTMLResponse.page(page)
        }
        pages.get("/workflows") { _, _ in
            HTMLResponse.page(try await WorkflowsPage(services: services, renderer: renderer).renderList())
        }
        pages.get("/groups/{id}") { _, context in
            let id = try context.parameters.path("id")
            guard let page = try await GroupPage(services: services, renderer: renderer).render(id: id) else {
                return try renderer.notFound("There is no group '\(id)'.", section: .workflows)
            }
            return HTMLResponse.page(page)
        }
        pages.get("/workflows/{name}") { request, context in
            let name = try context.parameters.path("name")
            let again = Query(request: request).string("again")
            guard let page = try await WorkflowsPage(services: services, renderer: renderer).renderDetail(name: name, again: again) else {
                return try renderer.notFound("There is no workflow '\(name)'.", section: .workflows)
            }
            return HTMLResponse.page(page)
        }
    }
}
