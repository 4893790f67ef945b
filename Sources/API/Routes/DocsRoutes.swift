import Hummingbird

/// `GET /api/openapi.json`, `GET /api/openapi.yaml` (the contract, `openapi.yaml`) and `GET /api/docs`,
/// all from the API's resources. The docs page
/// (`api-docs.mustache`) loads its script and style from `/assets/`, so it is served under the
/// dashboard's strict Content-Security-Policy.
struct DocsRoutes {
    let resources: WebResources

    struct PageContext: Encodable {
        let stylesheet: String
        let script: String
    }

    func register(on router: Router<APIRequestContext>) {
        let templates = resources.templates
        let contract = OpenAPIContract.bundled
        let context = PageContext(stylesheet: resources.assets.url(.docsStyle), script: resources.assets.url(.docsScript))
        router.get("/api/openapi.json") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: contract.json)))
        }
        router.get("/api/openapi.yaml") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: contract.yaml)))
        }
        router.get("/api/docs") { _, _ -> Response in HTMLResponse.page(try templates.render(.apiDocs, context)) }
    }
}
