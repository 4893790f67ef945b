import Foundation

/// The templates and assets of the API module's resource bundle (`flowrun_API.resources`, which
/// SwiftPM puts next to the binary and the Dockerfile copies with it), read once per process.
struct WebResources: Sendable {
    let templates: TemplateLibrary
    let assets: WebAssets

    init(directory: URL) throws {
        templates = try TemplateLibrary(directory: directory.appendingPathComponent("Templates"))
        assets = try WebAssets(directory: directory.appendingPathComponent("Assets"))
    }

    /// Read at first use, which is when the server builds its router: like the string literals they
    /// replace, they are part of the program, so one unreadable is a broken installation and stops it
    /// with the file's name.
    static let bundled: WebResources = {
        guard let directory = Bundle.module.resourceURL else { fatalError("the API's resource bundle has no resource folder") }
        do {
            return try WebResources(directory: directory)
        } catch {
            fatalError("flowrun's web resources are damaged: \(error)")
        }
    }()
}
