/// `/login`: the form that takes the API token once (it then lives in an HttpOnly cookie).
struct LoginPage {
    let renderer: PageRenderer

    struct Context: Encodable {
        let next: String
        let failed: Bool
    }

    func render(next: String, failed: Bool) throws -> String {
        try renderer.page(.login, title: "Log in", section: .none, content: Context(next: next, failed: failed), loggedIn: false)
    }
}
