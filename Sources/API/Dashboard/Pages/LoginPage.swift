/// `/login`: the form that takes the API token once (it then lives in an HttpOnly cookie).
enum LoginPage {
    static func render(next: String, failed: Bool) -> String {
        let problem = failed ? "<p id=\"login-error\" class=\"notice error\">That is not the server's token.</p>" : ""
        let body = """
            <h1>Log in</h1>
            <section class="login">
            \(problem)
            <form method="post" action="/login" id="login-form" class="filters">
            <input type="hidden" name="next" value="\(html(next))">
            <label>API token <input type="password" name="token" id="login-token" autocomplete="current-password" required autofocus size="40"></label>
            <button type="submit" class="primary" id="login-submit">Log in</button>
            </form>
            <p class="muted">The token <code>flowrun serve</code> printed at start (its login link carries it), kept in <code>api-token</code> in the data folder unless <code>FLOWRUN_API_TOKEN</code> sets it. The browser keeps it in a cookie that scripts cannot read.</p>
            </section>
            """
        return Layout.page(title: "Log in", section: .none, loggedIn: false, body: body)
    }
}
