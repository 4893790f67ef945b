import Hummingbird

/// `GET /assets/{file}` and `GET /favicon.ico`: the bundled stylesheets, scripts and icon, from
/// memory. A hashed name (`dashboard.<sha256-prefix>.css`, what pages link to) may be kept a year;
/// a plain name (`dashboard.css`) is revalidated by its ETag. Any other name is 404: the name is
/// looked up among the known files and never reaches the file system.
struct AssetRoutes {
    let assets: WebAssets

    static let immutable = "public, max-age=31536000, immutable"

    func register(on router: Router<APIRequestContext>) {
        let assets = self.assets
        router.get("/assets/{file}") { request, context -> Response in
            guard let found = context.parameters.get("file").flatMap(assets.find) else { throw HTTPError(.notFound) }
            return AssetRoutes.response(found.asset, cacheControl: found.hashed ? AssetRoutes.immutable : "no-cache", request: request)
        }
        router.get("/favicon.ico") { request, _ -> Response in
            guard let icon = assets.asset(.favicon) else { throw HTTPError(.notFound) }
            return AssetRoutes.response(icon, cacheControl: "no-cache", request: request)
        }
    }

    static func response(_ asset: WebAssets.Asset, cacheControl: String, request: Request) -> Response {
        let headers: HTTPFields = [
            .contentType: asset.file.contentType, .cacheControl: cacheControl, .eTag: asset.etag,
            .contentTypeOptions: "nosniff",
        ]
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag })
            == true
        {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }
}
