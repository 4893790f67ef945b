/// The page shell every dashboard page shares (`layout.mustache`: head, nav bar, and the one
/// stylesheet and script by their hashed addresses under `/assets/`, so the pages hold no inline
/// script or style).
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

    /// What the shell shows around a page.
    struct Shell: Encodable {
        struct NavLink: Encodable {
            let href: String
            let label: String
            let name: String
            let current: Bool
        }

        let title: String
        let nav: [NavLink]
        /// Show the logout button (the server requires a token and the visitor gave it).
        let loggedIn: Bool
        let stylesheet: String
        let script: String
        let favicon: String
    }

    /// The context of a page template: the shell's values and the page's own.
    struct Page<Content: Encodable>: Encodable {
        let shell: Shell
        let content: Content
    }

    /// The context of the 404 page.
    struct NotFound: Encodable {
        let message: String
        let backHref: String
        let backLabel: String
    }
}
