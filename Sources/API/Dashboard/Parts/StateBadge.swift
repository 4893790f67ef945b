/// A state as a coloured badge; `data-state` carries the raw value for scripts and tests.
enum StateBadge {
    static func render(_ state: String, id: String? = nil) -> String {
        let idAttribute = id.map { " id=\"\(html($0))\"" } ?? ""
        return "<span\(idAttribute) class=\"state state-\(html(state))\" data-state=\"\(html(state))\">\(html(state.replacingOccurrences(of: "_", with: " ")))</span>"
    }
}
