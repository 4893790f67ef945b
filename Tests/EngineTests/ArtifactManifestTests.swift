import Foundation
import Testing

@testable import Engine

#if canImport(Glibc)
    import Glibc
#endif

/// Placing a cache entry's files: hard links on one filesystem, copies across filesystems, nothing
/// when a file is missing or changed size.
@Suite struct ArtifactManifestTests {
    static func folder(in parent: String) throws -> URL {
        let url = URL(fileURLWithPath: parent).appendingPathComponent("flowrun-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("plots"), withIntermediateDirectories: true)
        try "a,b\n1,2\n".write(to: url.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        try "<svg/>".write(to: url.appendingPathComponent("plots/roc.svg"), atomically: true, encoding: .utf8)
        return url
    }

    static func links(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_nlink) : 0
    }

    @Test func filesAreHashedLinkedAndCheckedBeforeUse() throws {
        let source = try Self.folder(in: NSTemporaryDirectory())
        let manifest = try ArtifactManifest.make(of: source)
        #expect(Set(manifest.files.keys) == ["train.csv", "plots/roc.svg"])
        #expect(manifest.bytes == 14)
        #expect(ArtifactManifest(json: manifest.json) == manifest)

        let target = source.deletingLastPathComponent().appendingPathComponent("flowrun-target-\(UUID().uuidString)/step")
        #expect(manifest.link(from: source, to: target))
        #expect(try String(contentsOf: target.appendingPathComponent("plots/roc.svg"), encoding: .utf8) == "<svg/>")
        #expect(Self.links(target.appendingPathComponent("train.csv").path) == 2)
        // A step about to run there detaches the shared files first: the entry's stay intact.
        ArtifactManifest.detachSharedFiles(in: target)
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("train.csv").path))
        #expect(Self.links(source.appendingPathComponent("train.csv").path) == 1)

        // A changed size or a missing file: nothing placed, no staging folder left.
        try "a,b\n1,2\n3,4\n".write(to: source.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        let other = source.deletingLastPathComponent().appendingPathComponent("flowrun-other-\(UUID().uuidString)")
        #expect(!manifest.link(from: source, to: other.appendingPathComponent("step")))
        #expect(!FileManager.default.fileExists(atPath: other.path))
        try FileManager.default.removeItem(at: source.appendingPathComponent("plots"))
        #expect(!manifest.link(from: source, to: other.appendingPathComponent("step")))
    }

    /// /dev/shm (tmpfs) and the temp folder on different devices: a link between them fails with EXDEV.
    static var twoFilesystems: Bool {
        var shm = stat(), tmp = stat()
        return stat("/dev/shm", &shm) == 0 && stat(NSTemporaryDirectory(), &tmp) == 0 && shm.st_dev != tmp.st_dev
    }

    @Test(.enabled(if: twoFilesystems, "needs /dev/shm on another filesystem than the temp folder"))
    func acrossFilesystemsTheFilesAreCopied() throws {
        let source = try Self.folder(in: "/dev/shm")
        defer { try? FileManager.default.removeItem(at: source) }
        let manifest = try ArtifactManifest.make(of: source)
        let target = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("flowrun-copy-\(UUID().uuidString)/step")
        #expect(manifest.link(from: source, to: target))
        #expect(try ArtifactManifest.make(of: target) == manifest)
        #expect(Self.links(target.appendingPathComponent("train.csv").path) == 1)
    }
}
