import Engine
import Foundation
import Yams

/// The API's contract, `Sources/API/openapi.yaml` (in the API's resource bundle), as
/// `/api/openapi.yaml` serves it (the file as written) and `/api/openapi.json` (the same document
/// as JSON, keys sorted). `info.version` is ``FlowrunVersion/current`` in both: that constant is the
/// one version; the file's own value is replaced.
struct OpenAPIContract: Sendable {
    let yaml: String
    let json: Data

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    init(yaml written: String, file: String = "openapi.yaml") throws {
        // info.version is the only key two spaces deep named `version` (paths start with `/`).
        guard let line = written.range(of: #"(?m)^  version: .*$"#, options: .regularExpression) else {
            throw Problem(description: "\(file): no 'info.version' line (two spaces, then 'version: ')")
        }
        yaml = written.replacingCharacters(in: line, with: "  version: \(FlowrunVersion.current)")
        let loaded: Any?
        do { loaded = try Yams.load(yaml: yaml) } catch {
            throw Problem(description: "\(file): not YAML: \(error)")
        }
        guard let root = loaded as? [String: Any], (root["info"] as? [String: Any])?["version"] as? String == FlowrunVersion.current else {
            throw Problem(description: "\(file): not a mapping with info.version")
        }
        do {
            json = try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            // Yams turns an unquoted date into a Date, which JSON cannot hold: quote it in the file.
            throw Problem(description: "\(file): a value JSON cannot hold (quote dates and times): \(error)")
        }
    }

    /// Read at first use (when the server builds its router). A damaged file is a broken
    /// installation, like a missing template: it stops the server with the file's name.
    static let bundled: OpenAPIContract = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            fatalError("the API's resource bundle has no openapi.yaml")
        }
        do {
            return try OpenAPIContract(yaml: String(contentsOf: url, encoding: .utf8), file: url.path)
        } catch {
            fatalError("flowrun's API contract is damaged: \(error)")
        }
    }()
}
