import Hummingbird

/// Renders the dashboard's templates: a page inside the shell (`layout.mustache`), or a part alone
/// (the run page's live part). Templates escape every value; the page types only gather values.
struct PageRenderer: Sendable {
    let resources: WebResources
    /// The server requires a token, so a visitor who sees a page has logged in.
    let loggedIn: Bool

    func page(_ template: Template, title: String, section: Layout.Section, content: some Encodable, loggedIn: Bool? = nil) throws -> String
    {
        let nav = Layout.Section.allCases.compactMap { item -> Layout.Shell.NavLink? in
            guard let link = item.link else { return nil }
            return .init(href: link.href, label: link.label, name: item.rawValue, current: item == section)
        }
        let shell = Layout.Shell(
            title: title, nav: nav, loggedIn: loggedIn ?? self.loggedIn,
            stylesheet: resources.assets.url(.dashboardStyle), script: resources.assets.url(.dashboardScript),
            favicon: resources.assets.url(.favicon))
        return try resources.templates.render(template, Layout.Page(shell: shell, content: content))
    }

    func part(_ template: Template, _ context: some Encodable) throws -> String {
        try resources.templates.render(template, context)
    }

    /// The 404 page for a run, dataset or workflow that does not exist.
    func notFound(_ message: String, section: Layout.Section) throws -> Response {
        let context = Layout.NotFound(message: message, backHref: section.link?.href ?? "/", backLabel: section.link?.label ?? "Overview")
        return HTMLResponse.page(try page(.notFound, title: "Not found", section: section, content: context), status: .notFound)
    }
}
