import Foundation

/// The history a read-only command sees where nothing has run yet: a fresh SQLite file in the
/// system's temporary folder, removed when the process exits. (SQLite's `:memory:` cannot serve:
/// each of the store's connections would get its own empty database, without the schema.)
enum EmptyHistory {
    nonisolated(unsafe) private static var file: String?

    static func path() throws -> String {
        if let file { return file }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowrun-empty-\(getpid())-\(UUID().uuidString).sqlite")
            .path
        file = path
        atexit {
            guard let path = EmptyHistory.file else { return }
            for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        }
        return path
    }
}
