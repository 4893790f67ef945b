import Hummingbird

/// The page shell every dashboard page shares: head, nav bar, and the one stylesheet and script
/// (served from `/assets/`, so the pages hold no inline script or style).
enum Layout {
    /// The nav entry a page belongs to.
    enum Section: String, CaseIterable {
        case overview, runs, workflows, datasets, none

        var link: (href: String, label: String)? {
            switch self {
            case .overview: ("/", "Overview")
            case .runs: ("/runs", "Runs")
            case .workflows: ("/workflows", "Workflows")
            case .datasets: ("/datasets", "Datasets")
            case .none: nil
            }
        }
    }

    /// - Parameters:
    ///   - title: the page's title, as text (escaped here).
    ///   - loggedIn: show the logout button (the server requires a token and the visitor gave it).
    ///   - body: the page's markup.
    static func page(title: String, section: Section, loggedIn: Bool, body: String) -> String {
        let links = Section.allCases.compactMap { item -> String? in
            guard let link = item.link else { return nil }
            let current = item == section ? " aria-current=\"page\"" : ""
            return "<a href=\"\(link.href)\" data-nav=\"\(item.rawValue)\"\(current)>\(link.label)</a>"
        }.joined()
        let logout = loggedIn
            ? "<form method=\"post\" action=\"/logout\" class=\"logout\"><button type=\"submit\" class=\"link\">Log out</button></form>" : ""
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(html(title)) · flowrun</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="/assets/dashboard.css">
            <script src="/assets/dashboard.js" defer></script>
            </head>
            <body>
            <nav class="top"><a href="/" class="brand">flowrun</a>\(links)<span class="spacer"></span><a href="/api/docs">API</a>\(logout)</nav>
            <main>
            \(body)
            </main>
            </body>
            </html>
            """
    }

    /// The 404 page for a run, dataset or workflow that does not exist.
    static func notFound(_ message: String, section: Section, loggedIn: Bool) -> Response {
        let body = """
            <h1>Not found</h1>
            <p id="not-found" class="notice error">\(html(message))</p>
            <p><a href="\(section.link?.href ?? "/")">Back to \(html(section.link?.label ?? "Overview"))</a></p>
            """
        return HTMLResponse.page(page(title: "Not found", section: section, loggedIn: loggedIn, body: body), status: .notFound)
    }
}
