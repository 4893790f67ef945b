import Foundation

/// Decides when files in one watched folder have finished arriving. Pure bookkeeping over scans
/// and the time it is given, so tests drive it with a manual clock.
///
/// A file is finished when its size and mtime were unchanged for `stableSeconds` of observation
/// (our clock, not the file server's: mtimes from a NAS can be skewed), or — in done-file mode —
/// once `<file>.done` exists and the file was unchanged across two scans. A file already taken is
/// not taken again until it changes (or vanishes and comes back).
public struct UploadTracker: Sendable {
    struct Pending: Sendable {
        var snapshot: FileSnapshot
        var unchangedSince: Date
        var scansUnchanged: Int
    }

    public let rule: WatchRule
    private var pending: [String: Pending] = [:]
    private var taken: [String: FileSnapshot] = [:]

    public init(rule: WatchRule) { self.rule = rule }

    public struct Observation: Sendable, Equatable {
        /// Finished files (relative paths), oldest first.
        public var ready: [String] = []
        /// Files that were arriving and disappeared before they were finished.
        public var vanished: [String] = []
        /// When the next file will have been stable long enough, if nothing changes.
        public var nextDeadline: Date?
    }

    public mutating func observe(_ scan: FolderScan, now: Date) -> Observation {
        var result = Observation()
        for (path, snapshot) in scan.files where taken[path] != snapshot && rule.matches(relativePath: path) {
            var entry = pending[path] ?? Pending(snapshot: snapshot, unchangedSince: now, scansUnchanged: -1)
            if entry.snapshot == snapshot {
                entry.scansUnchanged += 1
            } else {
                entry = Pending(snapshot: snapshot, unchangedSince: now, scansUnchanged: 0)
            }
            pending[path] = entry
            let finished =
                rule.doneFile
                ? scan.doneMarkers.contains(path) && entry.scansUnchanged >= 1
                : now.timeIntervalSince(entry.unchangedSince) >= rule.stableSeconds
            if finished {
                result.ready.append(path)
            } else if !rule.doneFile {
                let due = entry.unchangedSince.addingTimeInterval(rule.stableSeconds)
                result.nextDeadline = min(result.nextDeadline ?? due, due)
            }
        }
        for path in pending.keys where scan.files[path] == nil {
            pending[path] = nil
            result.vanished.append(path)
        }
        // Forget taken files that are gone: a new file by that name is new.
        for path in taken.keys where scan.files[path] == nil { taken[path] = nil }
        result.ready.sort { (pending[$0]?.unchangedSince ?? now, $0) < (pending[$1]?.unchangedSince ?? now, $1) }
        result.vanished.sort()
        return result
    }

    /// Records that `path` was handled (its run submitted, or it was rejected): not again while unchanged.
    public mutating func markTaken(_ path: String) {
        if let entry = pending.removeValue(forKey: path) { taken[path] = entry.snapshot }
    }
}
