/// The files served under `/assets/` (and the icon): exactly these, from `Resources/Assets/`. A name
/// from a request is only ever looked up among them; it never reaches the file system.
enum AssetFile: String, CaseIterable, Sendable {
    case dashboardStyle = "dashboard.css"
    case dashboardScript = "dashboard.js"
    case docsStyle = "docs.css"
    case docsScript = "docs.js"
    case favicon = "favicon.svg"

    var contentType: String {
        switch self {
        case .dashboardStyle, .docsStyle: "text/css; charset=utf-8"
        case .dashboardScript, .docsScript: "text/javascript; charset=utf-8"
        case .favicon: "image/svg+xml"
        }
    }
}
