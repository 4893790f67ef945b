import Foundation

/// Shell-style globs for selecting datasets: `*`, `?`, `[abc]` (fnmatch(3), without FNM_PATHNAME:
/// a `*` also crosses `/`, so `*exam*` matches a whole path).
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }
}
