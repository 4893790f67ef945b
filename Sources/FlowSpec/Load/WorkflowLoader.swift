import Foundation

/// Reads, parses and validates workflow files.
public enum WorkflowLoader {
    /// Files larger than this are refused before parsing.
    public static let maxFileSize = 1 << 20

    /// Parses and validates `yaml`. `diagnostics` holds every problem found, in file order;
    /// `workflow` is nil when any of them is an error.
    /// - Parameter knownSteps: the names `uses:` may take (the step registry's names).
    public static func load(yaml: String, file: String, knownSteps: Set<String>) -> (workflow: Workflow?, diagnostics: [SpecDiagnostic]) {
        func finish(_ drafts: [SpecDiagnosticDraft], _ workflow: Workflow?) -> (Workflow?, [SpecDiagnostic]) {
            let diagnostics =
                drafts
                .map { SpecDiagnostic(file: file, line: $0.mark.line, column: $0.mark.column, severity: $0.severity, message: $0.message) }
                .sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            return (diagnostics.contains { $0.severity == .error } ? nil : workflow, diagnostics)
        }
        if let problem = precheck(yaml) { return finish([problem], nil) }
        let root: YAMLNode?
        let duplicates: [SpecDiagnosticDraft]
        do { (root, duplicates) = try YAMLComposer.compose(yaml) } catch {
            return finish([SpecDiagnosticDraft(mark: error.mark, message: error.message)], nil)
        }
        guard let root, !(root.text.map { YAMLNode.plainValue($0) == .null } ?? false) else {
            return finish(
                [
                    SpecDiagnosticDraft(
                        mark: SourceMark(line: 1, column: 1), message: "empty file: expected a workflow (name, version, steps)")
                ], nil)
        }
        var decoder = WorkflowDecoder(knownSteps: knownSteps, file: file, text: yaml)
        decoder.reader.append(duplicates)
        let workflow = decoder.decode(root)
        return finish(decoder.reader.diagnostics, workflow)
    }

    /// Reads `url` (refusing oversized, binary and non-UTF-8 files) and loads it.
    public static func load(
        contentsOf url: URL, knownSteps: Set<String>, displayPath: String? = nil
    ) -> (workflow: Workflow?, diagnostics: [SpecDiagnostic]) {
        let file = displayPath ?? url.path
        func fail(_ message: String, line: Int = 1, column: Int = 1) -> (Workflow?, [SpecDiagnostic]) {
            (nil, [SpecDiagnostic(file: file, line: line, column: column, severity: .error, message: message)])
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        if size > maxFileSize { return fail("file is \(size) bytes; workflow files are limited to \(maxFileSize) bytes") }
        guard let data = FileManager.default.contents(atPath: url.path) else { return fail("cannot read the file") }
        guard let text = String(validating: data, as: UTF8.self) else {
            let (line, column) = firstInvalidUTF8(data)
            return fail("not UTF-8 text (invalid byte at this position)", line: line, column: column)
        }
        return load(yaml: text, file: file, knownSteps: knownSteps)
    }

    /// Problems found before parsing: size, NUL bytes, tabs in indentation.
    static func precheck(_ text: String) -> SpecDiagnosticDraft? {
        if text.utf8.count > maxFileSize {
            return SpecDiagnosticDraft(
                mark: SourceMark(line: 1, column: 1),
                message: "file is \(text.utf8.count) bytes; workflow files are limited to \(maxFileSize) bytes")
        }
        var line = 1, column = 1, inIndent = true
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\0":
                return SpecDiagnosticDraft(
                    mark: SourceMark(line: line, column: column), message: "binary data (a NUL byte): not a YAML text file")
            case "\n":
                line += 1
                column = 1
                inIndent = true
                continue
            case "\t" where inIndent:
                return SpecDiagnosticDraft(
                    mark: SourceMark(line: line, column: column), message: "tab in indentation: YAML indents with spaces")
            case " ", "-", "\r":
                break
            default:
                inIndent = false
            }
            column += 1
        }
        return nil
    }

    private static func firstInvalidUTF8(_ data: Data) -> (Int, Int) {
        var line = 1, column = 1
        var i = data.startIndex
        while i < data.endIndex {
            let b = data[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            guard length > 0, i + length <= data.endIndex,
                String(validating: data[i..<(i + length)], as: UTF8.self) != nil
            else { return (line, column) }
            if b == 0x0A { line += 1; column = 1 } else { column += 1 }
            i += length
        }
        return (line, column)
    }
}
