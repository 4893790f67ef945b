import Foundation
import Store

/// What `flowrun cache`, `flowrun datasets` and health read and change of the step cache.
extension Engine {
    /// Reusable results, newest first.
    public func cacheEntries(limit: Int) async throws -> [CacheEntry] { try await store.cacheEntries(limit: limit) }

    /// How many entries the cache holds and the bytes of their files (a reused result shares them
    /// by hard link, so it adds nothing).
    public func cacheUsage() async throws -> CacheUsage { try await store.cacheUsage() }

    /// Forgets the entries older than `age` (all when nil), so that no step reuses them; their runs
    /// keep their files. Returns how many were forgotten.
    @discardableResult
    public func clearCache(olderThan age: Duration?) async throws -> Int {
        try await store.clearCache(finishedBefore: age.map { clock.now().addingTimeInterval(-$0.seconds) })
    }
}
