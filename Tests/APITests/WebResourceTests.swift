import Crypto
import Foundation
import Hummingbird
import Mustache
import Testing

@testable import API

/// The dashboard's and the docs page's templates and assets (`Sources/API/Resources/`): served
/// under hashed names with long cache headers, only the bundled files, no inline script or style,
/// and every value escaped.
@Suite struct WebResourceTests {
    static let resources = WebResources.bundled

    @Test func assetsAreServedUnderTheirHashedNameForAYearAndUnderTheirPlainNameRevalidated() async throws {
        let harness = try await APIHarness(token: "s3cret")
        try await harness.test { (client: APIClient) async throws in
            for file in AssetFile.allCases {
                let url = Self.resources.assets.url(file)
                let hash = try #require(url.split(separator: ".").dropLast().last.map(String.init))
                #expect(url.hasPrefix("/assets/") && hash.count == 16, "\(url)")
                // Anonymous: the assets are on the allow-list.
                let hashed = try await client.get(url)
                #expect(hashed.status == 200, "\(url)")
                #expect(hashed.headers[.cacheControl] == "public, max-age=31536000, immutable")
                #expect(hashed.headers[.contentType] == file.contentType)
                #expect(hashed.headers[.init("X-Content-Type-Options")!] == "nosniff")
                let digest = SHA256.hash(data: hashed.body).map { String(format: "%02x", $0) }.joined()
                #expect(digest.hasPrefix(hash), "\(url) is named for other content")

                let plain = try await client.get("/assets/" + file.rawValue)
                #expect(plain.status == 200 && plain.body == hashed.body)
                #expect(plain.headers[.cacheControl] == "no-cache")
                let etag = try #require(plain.headers[.eTag])
                let revalidated = try await client.get("/assets/" + file.rawValue, headers: [.ifNoneMatch: etag])
                #expect(revalidated.status == 304 && revalidated.body.isEmpty)
            }
            let icon = try await client.get("/favicon.ico")
            #expect(icon.status == 200 && icon.headers[.contentType] == "image/svg+xml")
        }
    }

    @Test func theAssetRouteServesOnlyTheBundledFiles() async throws {
        let harness = try await APIHarness(token: "s3cret")
        // The allow-list's one capture: every other open route is an exact path.
        #expect(OpenRoutes.paths.filter { $0.contains("{") || $0.contains("*") } == ["/assets/{file}"])
        try await harness.test { (client: APIClient) async throws in
            let names = [
                "nope.css", "dashboard.0000000000000000.css", "dashboard.CSS", "dashboard.css.map", "favicon.ico", "Templates",
                "layout.mustache", "..%2FTemplates%2Flayout.mustache", "%2e%2e%2fPackage.swift", "..%2F..%2F..%2Fapi-token",
                "%2Fetc%2Fpasswd", "dashboard.css%00", "dashboard.css%2F", ".", "..", "",
            ]
            for name in names {
                let response = try await client.get("/assets/" + name)
                #expect(response.status == 404, "/assets/\(name) → \(response.status)")
                #expect(!response.text.contains("{{") && !response.text.contains("root:"), "/assets/\(name) served a file")
            }
            for path in ["/assets/../Templates/layout.mustache", "/assets/x/dashboard.css", "/assets//dashboard.css/.."] {
                let response = try await client.get(path)
                #expect(response.status == 404 || response.status == 401, "\(path) → \(response.status)")
                #expect(!response.text.contains("{{"), "\(path) served a template")
            }
        }
    }

    @Test func pagesLinkTheHashedAssetsAndHoldNoInlineScriptOrStyle() async throws {
        let harness = try await APIHarness()
        try await harness.test { (client: APIClient) async throws in
            let docs = try await client.get("/api/docs")
            let pages = [
                (
                    "/",
                    ["href=\"\(Self.resources.assets.url(.dashboardStyle))\"", "src=\"\(Self.resources.assets.url(.dashboardScript))\""]
                ),
                ("/workflows/hello", []), ("/runs", []), ("/datasets", []), ("/login", []),
                ("/api/docs", ["href=\"\(Self.resources.assets.url(.docsStyle))\"", "src=\"\(Self.resources.assets.url(.docsScript))\""]),
            ]
            for (path, links) in pages {
                let page = path == "/api/docs" ? docs : try await client.get(path)
                #expect(page.status == 200 || (path == "/login" && page.status == 303), "\(path) → \(page.status)")
                guard page.status == 200 else { continue }
                for link in links { #expect(page.text.contains(link), "\(path) lacks \(link)") }
                #expect(!page.text.contains("<style") && !page.text.contains(" style=\""), "\(path) has inline style")
                #expect(page.text.firstMatch(of: /<script(?![^>]*\ssrc=)/) == nil, "\(path) has an inline script")
                #expect(page.text.firstMatch(of: /<[^>]*\son[a-z]+=/) == nil, "\(path) has an inline event handler")
                let policy = try #require(page.headers[.contentSecurityPolicy], "\(path)")
                #expect(
                    policy.contains("script-src 'self'") && policy.contains("style-src 'self'") && !policy.contains("unsafe-inline"),
                    "\(path): \(policy)")
            }
        }
    }

    @Test func everyTemplateEscapesPerScalarAndNamesOnlyPartsThatExist() throws {
        let sources = Self.resources.templates.sources
        #expect(Set(Template.allCases.map(\.rawValue)).isSubset(of: Set(sources.keys)))
        for (name, text) in sources {
            #expect(text.hasPrefix(TemplateLibrary.contentTypeLine), "\(name) does not start with the content type line")
            for match in text.matches(of: /\{\{\s*[><]\s*([^\s}]+)\s*\}\}/) {
                #expect(sources[String(match.1)] != nil, "\(name) includes \(match.1), which does not exist")
            }
            // Unescaped output only for the charts' SVG, which the chart helpers escape value by value.
            for match in text.matches(of: /\{\{\{\s*([^\s}]+)\s*\}\}\}|\{\{&\s*([^\s}]+)\s*\}\}/) {
                let field = String(match.1 ?? match.2 ?? "")
                #expect(field.hasSuffix("SVG"), "\(name) writes \(field) unescaped")
            }
        }
    }

    /// swift-mustache 2.1.1 escapes per `Character`: a quote followed by a combining mark is one
    /// grapheme cluster and is left as it is (the bug of leaf-kit's CVE-2026-27120). When the first
    /// expectation fails, the library is fixed and `ScalarHTMLContentType` may go.
    @Test func aQuoteWithACombiningMarkIsStillEscaped() async throws {
        // Built from scalars: a quote and a combining mark side by side in a literal confuse #expect's expansion.
        let accent = String(UnicodeScalar(0x301)!)
        let hostile = "x\"" + accent + " autofocus onfocus=alert(1) '" + accent
        let library = try MustacheTemplate(string: "<input value=\"{{v}}\">").render(["v": hostile])
        let unescaped = "\"" + accent + " autofocus"
        #expect(library.contains(unescaped), "swift-mustache escapes this now: ScalarHTMLContentType may go")

        let harness = try await APIHarness()
        // As JSON (YAML's flow style): Swift's own replacing works on grapheme clusters too.
        let workflow: [String: Any] = [
            "name": "accent", "version": 1, "description": hostile,
            "params": ["who": ["type": "string", "default": hostile]], "steps": ["a": ["uses": "noop"]],
        ]
        let yaml = String(decoding: try JSONSerialization.data(withJSONObject: workflow), as: UTF8.self)
        try yaml.write(to: harness.engine.workflowsDirectory.appendingPathComponent("accent.yaml"), atomically: true, encoding: .utf8)
        try await harness.test { (client: APIClient) async throws in
            let page = try await client.get("/workflows/accent")
            #expect(page.status == 200)
            let escaped = "value=\"x&quot;" + accent + " autofocus onfocus=alert(1) &#39;" + accent + "\""
            #expect(page.text.contains(escaped))
            let scalars = Array(page.text.unicodeScalars)
            for index in scalars.indices.dropFirst() where scalars[index].value == 0x301 {
                #expect(scalars[index - 1] != "\"" && scalars[index - 1] != "'", "an unescaped quote before a combining mark")
            }
        }
    }
}
