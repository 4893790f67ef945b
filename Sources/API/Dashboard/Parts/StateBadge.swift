/// A state as a coloured badge (`parts/state-badge`); `data-state` carries the raw value for
/// scripts and tests.
struct StateBadge: Encodable {
    let state: String
    let label: String
    // Not optional: a missing value would be looked up in the enclosing contexts.
    let hasID: Bool
    let badgeID: String

    init(_ state: String, id: String? = nil) {
        self.state = state
        label = state.replacingOccurrences(of: "_", with: " ")
        hasID = id != nil
        badgeID = id ?? ""
    }
}
