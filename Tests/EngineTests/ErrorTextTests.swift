import Engine
import FlowSpec
import Foundation
import Steps
import Store
import Testing

/// Step errors are sentences of ours and at most 4 KiB, in the store, the logs and the terminal.
@Suite struct ErrorTextTests {
    @Test func shortTextsAreKept() {
        #expect(ErrorText.bounded("fine") == "fine")
        let exact = String(repeating: "a", count: ErrorText.limit)
        #expect(ErrorText.bounded(exact) == exact)
    }

    @Test func longTextsAreCutAtACharacterAndSayHowMuchIsLeft() {
        let text = String(repeating: "é", count: 3000)  // 2 bytes each
        let cut = ErrorText.bounded(text)
        #expect(cut == String(repeating: "é", count: 2048) + "… 1904 more bytes")
        // A grapheme of several scalars is never split.
        let family = String(repeating: "👨‍👩‍👧", count: 400)  // 18 bytes each
        let kept = ErrorText.bounded(family).components(separatedBy: "…")[0]
        #expect(kept.utf8.count <= ErrorText.limit && kept.utf8.count % 18 == 0)
        #expect(ErrorText.bounded(family).hasSuffix("… \(family.utf8.count - kept.utf8.count) more bytes"))
    }

    @Test func foundationErrorsBecomeSentences() throws {
        #expect(
            ErrorText.describe(CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: "/data/x.csv"]))
                == "cannot read /data/x.csv: permission denied")
        #expect(
            ErrorText.describe(CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "/data/m.json"]))
                == "cannot write /data/m.json: no space left on the device")
        #expect(
            ErrorText.describe(CocoaError(.fileWriteVolumeReadOnly, userInfo: [NSURLErrorKey: URL(fileURLWithPath: "/ro/m.json")]))
                == "cannot write /ro/m.json: the file system is read-only")
        #expect(ErrorText.describe(POSIXError(.EACCES)) == "permission denied")
        #expect(ErrorText.describe(NSError(domain: "Thing", code: 7)) == "Thing error 7")
        #expect(ErrorText.describe(StepError.failed("our words")) == "our words")

        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).bin")
        do { _ = try Data(contentsOf: missing); Issue.record("read a missing file") } catch {
            #expect(ErrorText.describe(error) == "cannot read \(missing.path): no such file")
        }
        let nowhere = missing.appendingPathComponent("out.json")
        do { try Data("x".utf8).write(to: nowhere); Issue.record("wrote into a missing folder") } catch {
            #expect(ErrorText.describe(error) == "\(nowhere.path): no such file")
        }
        do { _ = try JSONSerialization.jsonObject(with: Data("{x".utf8)); Issue.record("parsed bad JSON") } catch {
            #expect(ErrorText.describe(error).hasPrefix("not valid JSON ("), "\(ErrorText.describe(error))")
        }
        do { _ = try JSONDecoder().decode([String: Int].self, from: Data(#"{"a": "b"}"#.utf8)); Issue.record("decoded") } catch {
            #expect(ErrorText.describe(error) == "invalid data at .a: expected Int", "\(ErrorText.describe(error))")
        }
        for error in [
            CocoaError(.fileReadUnknown) as any Error, NSError(domain: NSCocoaErrorDomain, code: 256), NSError(domain: "X", code: 1),
        ] {
            #expect(!ErrorText.describe(error).contains("Domain="), "\(ErrorText.describe(error))")
        }
    }

    /// A Swift step failing with Foundation's own error: the stored error is our sentence.
    @Test func aFoundationErrorInAStepIsStoredAsASentence() async throws {
        let h = try await Harness { registry, _ in registry.register(ReadFileStep()) }
        let missing = h.root.appendingPathComponent("missing.bin")
        try h.write(
            "read",
            """
            name: read
            version: 1
            steps:
              read:
                uses: read_file
                with: { path: "\(missing.path)" }
                retries: 0
            """)
        let run = try await h.engine.submit(SubmitRequest(workflow: "read", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        #expect(try await h.steps(run.id)["read"]?.error == "cannot read \(missing.path): no such file")
    }

    /// A 5 MB CSV line makes a 5 MB message (it lists the columns); what is stored is 4 KiB of it.
    @Test func aHugeMessageIsStoredBounded() async throws {
        let h = try await Harness()
        let csv = h.root.appendingPathComponent("wide.csv")
        let column = String(repeating: "w", count: 96)
        let header = (0..<52_000).map { "\(column)\($0)" }.joined(separator: ",")
        try Data((header + "\n").utf8).write(to: csv)
        #expect(header.utf8.count > 5_000_000)
        try h.write(
            "wide",
            """
            name: wide
            version: 1
            steps:
              prep:
                uses: preprocess
                with: { input: "\(csv.path)" }
                retries: 2
            """)
        let before = Self.size(of: h.engine.layout.root)
        let run = try await h.engine.submit(SubmitRequest(workflow: "wide", trigger: .cli))
        #expect(try await h.runToEnd(run.id).state == .failed)
        let step = try #require(try await h.steps(run.id)["prep"])
        let error = try #require(step.error)
        #expect(error.hasPrefix("\(csv.path): no group column 'exam_id'"))
        #expect(error.utf8.count <= ErrorText.limit + 100, "\(error.utf8.count) bytes")
        #expect(error.contains(" more bytes"))
        #expect(step.attempt == 1 && error.hasSuffix("(not retried: the input is invalid)"))
        for attempt in try await h.store.attempts(runID: run.id) {
            #expect((attempt.error?.utf8.count ?? 0) <= ErrorText.limit + 100)
        }
        #expect((try await h.store.run(id: run.id)?.error?.utf8.count ?? 0) <= ErrorText.limit + 200)
        // Database, the run log and the step log together: well under a megabyte more. Measured with
        // the store closed, so that its write-ahead log is folded into the database file: the log's
        // own size is how far the last checkpoint is behind, not what was stored.
        try await h.store.close()
        let grown = Self.size(of: h.engine.layout.root) - before
        #expect(grown < 1 << 20, "the data folder grew by \(grown) bytes")
    }

    static func size(of folder: URL) -> Int {
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey]) else { return 0 }
        var total = 0
        for case let url as URL in files {
            total += (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        }
        return total
    }
}

/// Reads `path` with Foundation, letting its error through as it is.
struct ReadFileStep: Step {
    static let name = "read_file"

    func run(_ context: StepContext) async throws -> StepResult {
        _ = try Data(contentsOf: URL(fileURLWithPath: try context.parameters.string("path")))
        return StepResult()
    }
}
