import Foundation
import Mustache

/// The swift-mustache templates under `Resources/Templates/`, parsed once at start. A template's
/// final newline is not part of it, so a part can end a line of its own file and still sit inside
/// an element (`<td>{{>parts/time}}</td>`).
///
/// Every template starts with ``contentTypeLine``: swift-mustache 2.1.1 escapes a value per
/// `Character` (Sources/Mustache/String.swift), so a quote followed by a combining mark (`"\u{301}`,
/// one grapheme cluster) is left as it is and ends an attribute — the bug of leaf-kit's
/// CVE-2026-27120. Our content type escapes per Unicode scalar with ``html(_:)``. `WebResourceTests`
/// fails for a template without the line, and tells when the library has been fixed.
struct TemplateLibrary: Sendable {
    static let contentTypeName = "FLOWRUN_HTML"
    static let contentTypeLine = "{{% CONTENT_TYPE: \(contentTypeName) }}"

    let library: MustacheLibrary
    /// Every template's name and text, for the tests.
    let sources: [String: String]

    init(directory: URL) throws {
        // Registered before parsing: the parser looks the pragma's name up.
        MustacheContentTypes.register(ScalarHTMLContentType(), named: Self.contentTypeName)
        var sources: [String: String] = [:]
        var templates: [String: MustacheTemplate] = [:]
        let root = directory.standardizedFileURL.path + "/"
        guard let files = FileManager.default.enumerator(atPath: root) else {
            throw WebResourceProblem(file: root, message: "the templates folder is missing")
        }
        for case let path as String in files where path.hasSuffix(".mustache") {
            let name = String(path.dropLast(".mustache".count))
            guard let data = FileManager.default.contents(atPath: root + path) else {
                throw WebResourceProblem(file: root + path, message: "cannot read the template")
            }
            var text = String(decoding: data, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            guard text.hasPrefix(Self.contentTypeLine) else {
                throw WebResourceProblem(file: root + path, message: "a template must start with \(Self.contentTypeLine)")
            }
            do {
                templates[name] = try MustacheTemplate(string: text)
            } catch let error as MustacheTemplate.ParserError {
                throw WebResourceProblem(
                    file: "\(root)\(path):\(error.context.lineNumber):\(error.context.columnNumber)",
                    message: "\(error.error) in “\(error.context.line)”")
            }
            sources[name] = text
        }
        for template in Template.allCases where templates[template.rawValue] == nil {
            throw WebResourceProblem(file: root + template.rawValue + ".mustache", message: "the template is missing")
        }
        library = MustacheLibrary(templates: templates)
        self.sources = sources
    }

    /// Renders a template with a context: a struct whose properties the template names.
    func render(_ template: Template, _ context: some Encodable) throws -> String {
        // Every Template was found in init, or init threw.
        library.render(try TemplateValues.encode(context), withTemplate: template.rawValue) ?? ""
    }
}

/// HTML escaping per Unicode scalar (see ``TemplateLibrary``).
struct ScalarHTMLContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { html(text) }
}
