import Crypto
import Foundation
import Testing

@testable import API

/// The generated code is committed (scripts/generate-openapi), so nothing regenerates it on a build:
/// this fails while it is stale — openapi.yaml or the generator's config changed without a
/// regeneration — or when a generated file was edited by hand.
@Suite struct OpenAPIGeneratedTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    @Test func generatedCodeIsFromTheContractAsItIsNow() throws {
        var inputs = Data((OpenAPIGeneratedStamp.generator + "\n").utf8)
        inputs += try Data(contentsOf: Self.root.appendingPathComponent("Sources/API/openapi.yaml"))
        inputs += try Data(contentsOf: Self.root.appendingPathComponent("scripts/openapi-generator-config.yaml"))
        #expect(
            Self.sha256(inputs) == OpenAPIGeneratedStamp.inputs,
            "openapi.yaml or scripts/openapi-generator-config.yaml changed: run scripts/generate-openapi and commit its output")
    }

    @Test func generatedFilesAreAsGenerated() throws {
        let folder = Self.root.appendingPathComponent("Sources/API/OpenAPI/Generated")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { ($0.hasPrefix("Types") && $0.hasSuffix(".swift")) || $0 == "Server.swift" }.sorted()
        #expect(names.contains("Server.swift") && names.contains("Types.swift"))
        var outputs = Data()
        for name in names { outputs += try Data(contentsOf: folder.appendingPathComponent(name)) }
        #expect(
            Self.sha256(outputs) == OpenAPIGeneratedStamp.outputs,
            "a file in Sources/API/OpenAPI/Generated differs from what scripts/generate-openapi wrote: regenerate instead of editing it")
    }

    /// The generated server writes the same JSON as the hand-written routes (RecordedResponsesTests
    /// holds the whole answers; this pins the two settings that make it so).
    @Test func generatedWireWritesTheAPIsDates() throws {
        let date = Date(timeIntervalSince1970: 1_764_000_000.1234)
        #expect(try GeneratedWire.MillisDateTranscoder().encode(date) == "2025-11-24T16:00:00.123Z")
        #expect(GeneratedWire.configuration.jsonEncodingOptions == [.sortedKeys, .withoutEscapingSlashes])
    }
}
