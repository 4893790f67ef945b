import Hummingbird

/// `GET /api/openapi.json` and `GET /api/docs`, both served from the binary.
struct DocsRoutes {
    func register(on router: Router<APIRequestContext>) {
        router.get("/api/openapi.json") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("/api/docs") { _, _ -> Response in
            Response(status: .ok, headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
            ], body: .init(byteBuffer: ByteBuffer(string: DocsPage.html)))
        }
    }
}
