/// The templates the code renders by name (`Resources/Templates/<name>.mustache`). Parts that
/// templates include (`{{>parts/run-table}}`) are found by the library; `WebResourceTests` checks that
/// every one a template names exists.
enum Template: String, CaseIterable, Sendable {
    case overview = "pages/overview"
    case runs = "pages/runs"
    case run = "pages/run"
    case runLive = "pages/run-live"
    case runLiveMissing = "pages/run-live-missing"
    case compare = "pages/compare"
    case workflows = "pages/workflows"
    case workflow = "pages/workflow"
    case group = "pages/group"
    case datasets = "pages/datasets"
    case dataset = "pages/dataset"
    case login = "pages/login"
    case notFound = "pages/not-found"
    case apiDocs = "api-docs"
}
