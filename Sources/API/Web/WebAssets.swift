import Crypto
import Foundation
import Hummingbird

/// The asset files, read into memory once. Each is served under its plain name (`dashboard.css`,
/// revalidated on every use) and under a name with the first 16 hex digits of its SHA-256
/// (`dashboard.3f2a….css`), which pages link to and browsers may keep for a year: a changed file
/// has a new name.
struct WebAssets: Sendable {
    struct Asset: Sendable {
        let file: AssetFile
        let hashedName: String
        let body: ByteBuffer
        /// The quoted hash, for `ETag` and `If-None-Match`.
        let etag: String
    }

    /// What a request's name found, and whether it was the hashed (immutable) name.
    struct Found: Sendable {
        let asset: Asset
        let hashed: Bool
    }

    private let byFile: [AssetFile: Asset]
    private let byName: [String: Found]

    init(directory: URL) throws {
        var byFile: [AssetFile: Asset] = [:]
        var byName: [String: Found] = [:]
        for file in AssetFile.allCases {
            let url = directory.appendingPathComponent(file.rawValue)
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw WebResourceProblem(file: url.path, message: "cannot read the asset: \(error.localizedDescription)")
            }
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            let hash = String(digest.prefix(16))
            let base = (file.rawValue as NSString).deletingPathExtension, ext = (file.rawValue as NSString).pathExtension
            let asset = Asset(file: file, hashedName: "\(base).\(hash).\(ext)", body: ByteBuffer(bytes: data), etag: "\"\(hash)\"")
            byFile[file] = asset
            byName[file.rawValue] = Found(asset: asset, hashed: false)
            byName[asset.hashedName] = Found(asset: asset, hashed: true)
        }
        self.byFile = byFile
        self.byName = byName
    }

    /// The address pages link to: `/assets/dashboard.<hash>.css`.
    func url(_ file: AssetFile) -> String {
        // Every case was read in init, or init threw.
        "/assets/" + (byFile[file]?.hashedName ?? file.rawValue)
    }

    func asset(_ file: AssetFile) -> Asset? { byFile[file] }

    /// The asset a request names (the last path segment), or nil: then the answer is 404.
    func find(_ name: String) -> Found? { byName[name] }
}
