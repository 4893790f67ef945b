/// A template or asset in the API's resource bundle that cannot be read or parsed: the bundle next
/// to the binary (`flowrun_API.resources`) is missing or damaged.
struct WebResourceProblem: Error, CustomStringConvertible {
    let file: String
    let message: String

    var description: String { "\(file): \(message)" }
}
